import { Gauge, type Registry } from 'prom-client';
import { type Admin } from 'kafkajs';
import { type TopicNames } from '../kafka/topic-names';

export interface OutboxBacklog {
  messages: number;
  oldestCreatedAt: Date | null;
}

/**
 * How long a scrape waits for a reading: Prometheus times a scrape out after
 * 10 s by default, and a database or broker outage must not cost the other
 * metrics (HTTP, saga, process) exactly when they are needed.
 */
const READ_TIMEOUT_MS = 2_000;

function withinReadTimeout<T>(reading: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('no answer in time')), READ_TIMEOUT_MS);
  });
  return Promise.race([reading, timeout]).finally(() => clearTimeout(timer));
}

/**
 * The outbox's backlog, read at each scrape: how many messages wait to be
 * sent and how long the oldest has waited. A growing age is the alert: the
 * relay is down, not leading anywhere, or Kafka refuses it. When the
 * database does not answer in time, both gauges are absent from that scrape
 * (never a stale value: the readiness check says what is down).
 */
export function registerOutboxGauges(registry: Registry, backlog: () => Promise<OutboxBacklog>) {
  let inFlight: Promise<OutboxBacklog | undefined> | undefined;
  // One query per scrape for both gauges (the registry collects them concurrently).
  const read = (): Promise<OutboxBacklog | undefined> => {
    inFlight ??= withinReadTimeout(backlog())
      .catch(() => undefined)
      .finally(() => setImmediate(() => (inFlight = undefined)));
    return inFlight;
  };
  new Gauge({
    name: 'outbox_backlog_messages',
    help: 'Messages in the outbox not yet sent to Kafka',
    registers: [registry],
    async collect() {
      const reading = await read();
      if (reading) this.set(reading.messages);
      else this.reset();
    },
  });
  new Gauge({
    name: 'outbox_oldest_unsent_age_seconds',
    help: 'Age of the oldest message in the outbox not yet sent (0 when none waits)',
    registers: [registry],
    async collect() {
      const reading = await read();
      if (!reading) {
        this.reset();
        return;
      }
      const { oldestCreatedAt } = reading;
      this.set(oldestCreatedAt ? (Date.now() - oldestCreatedAt.getTime()) / 1000 : 0);
    },
  });
}

/**
 * Consumer lag per partition, read at each scrape from the broker: the
 * partition's end offset minus the group's committed offset (the whole
 * partition when the group committed nothing yet). Each scrape replaces the
 * previous values; when the broker does not answer in time the gauge is
 * absent from that scrape.
 */
export function registerConsumerLagGauge(
  registry: Registry,
  options: { admin: () => Promise<Admin>; groupId: string; topics: string[]; names: TopicNames },
) {
  const readLag = async () => {
    const admin = await options.admin();
    const physical = options.topics.map((topic) => options.names.physical(topic));
    const committed = await admin.fetchOffsets({ groupId: options.groupId, topics: physical });
    const lags: { topic: string; partition: number; lag: number }[] = [];
    for (const { topic, partitions } of committed) {
      const ends = await admin.fetchTopicOffsets(topic);
      for (const { partition, offset } of partitions) {
        const end = ends.find((entry) => entry.partition === partition);
        if (!end) continue;
        const from = Number(offset) >= 0 ? Number(offset) : Number(end.low);
        lags.push({
          topic: options.names.logical(topic),
          partition,
          lag: Math.max(0, Number(end.high) - from),
        });
      }
    }
    return lags;
  };
  new Gauge({
    name: 'kafka_consumer_lag_messages',
    help: 'Messages on a partition the consumer group has not committed yet',
    labelNames: ['group', 'topic', 'partition'] as const,
    registers: [registry],
    async collect() {
      const lags = await withinReadTimeout(readLag()).catch(() => undefined);
      this.reset();
      for (const { topic, partition, lag } of lags ?? []) {
        this.set({ group: options.groupId, topic, partition }, lag);
      }
    },
  });
}
