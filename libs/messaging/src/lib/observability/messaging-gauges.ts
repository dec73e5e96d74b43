import { Gauge, type Registry } from 'prom-client';
import { type Admin } from 'kafkajs';
import { type TopicNames } from '../kafka/topic-names';

export interface OutboxBacklog {
  messages: number;
  oldestCreatedAt: Date | null;
}

/**
 * The outbox's backlog, read at each scrape: how many messages wait to be
 * sent and how long the oldest has waited. A growing age is the alert: the
 * relay is down, not leading anywhere, or Kafka refuses it.
 */
export function registerOutboxGauges(registry: Registry, backlog: () => Promise<OutboxBacklog>) {
  let last: OutboxBacklog | undefined;
  let inFlight: Promise<OutboxBacklog | undefined> | undefined;
  // One query per scrape for both gauges (the registry collects them concurrently).
  const read = (): Promise<OutboxBacklog | undefined> => {
    inFlight ??= backlog()
      .then(
        (reading) => (last = reading),
        // The database is away: the readiness check says so; keep the last reading.
        () => last,
      )
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
    },
  });
  new Gauge({
    name: 'outbox_oldest_unsent_age_seconds',
    help: 'Age of the oldest message in the outbox not yet sent (0 when none waits)',
    registers: [registry],
    async collect() {
      const reading = await read();
      if (!reading) return;
      const { oldestCreatedAt } = reading;
      this.set(oldestCreatedAt ? (Date.now() - oldestCreatedAt.getTime()) / 1000 : 0);
    },
  });
}

/**
 * Consumer lag per partition, read at each scrape from the broker: the
 * partition's end offset minus the group's committed offset (the whole
 * partition when the group committed nothing yet).
 */
export function registerConsumerLagGauge(
  registry: Registry,
  options: { admin: () => Promise<Admin>; groupId: string; topics: string[]; names: TopicNames },
) {
  new Gauge({
    name: 'kafka_consumer_lag_messages',
    help: 'Messages on a partition the consumer group has not committed yet',
    labelNames: ['group', 'topic', 'partition'] as const,
    registers: [registry],
    async collect() {
      try {
        const admin = await options.admin();
        const physical = options.topics.map((topic) => options.names.physical(topic));
        const committed = await admin.fetchOffsets({ groupId: options.groupId, topics: physical });
        for (const { topic, partitions } of committed) {
          const ends = await admin.fetchTopicOffsets(topic);
          for (const { partition, offset } of partitions) {
            const end = ends.find((entry) => entry.partition === partition);
            if (!end) continue;
            const from = Number(offset) >= 0 ? Number(offset) : Number(end.low);
            this.set(
              { group: options.groupId, topic: options.names.logical(topic), partition },
              Math.max(0, Number(end.high) - from),
            );
          }
        }
      } catch {
        // Kafka is away: the readiness check says so; the last values stay.
      }
    },
  });
}
