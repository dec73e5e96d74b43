import { type Span } from '@opentelemetry/api';
import { Kafka, type Producer, Partitioners } from 'kafkajs';
import { setTimeout as sleep } from 'node:timers/promises';
import { type BackoffPolicy, backoffDelay } from '../backoff';
import { type TopicNames } from '../kafka/topic-names';
import { type MessagingLogger } from '../messaging-logger';
import { endSpan, startPublishSpan, tracedHeaders } from '../observability/message-tracing';
import { type OutboxRecord, type OutboxStore } from './outbox-record';

export interface OutboxRelayOptions {
  kafka: Kafka;
  store: OutboxStore;
  topics: TopicNames;
  logger: MessagingLogger;
  batchSize?: number;
  /** The polling fallback: how long to wait for a NOTIFY before looking anyway. */
  pollIntervalMs?: number;
  /** How often a standby tries to become the active relay. */
  standbyRetryMs?: number;
  /** Backoff while the broker or the database fails; the relay never gives a message up. */
  backoff?: BackoffPolicy;
  /** Sent messages are deleted after this long. */
  retentionMs?: number;
}

export interface OutboxRelayStatus {
  leader: boolean;
  consecutiveFailures: number;
  lastPublishedAt: Date | undefined;
}

const PURGE_EVERY_MS = 10 * 60_000;

/**
 * Publishes the outbox to Kafka: right after a commit (woken by NOTIFY), else
 * every `pollIntervalMs`. In `sequence` order, keyed by the aggregate id, and
 * marks rows sent only after the broker acknowledged them (acks=all,
 * idempotent producer, one request in flight), so a crash at any point means
 * "published again", never "lost"; consumers' inboxes absorb the repeat.
 */
export class OutboxRelay {
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
  private readonly standbyRetryMs: number;
  private readonly backoff: BackoffPolicy;
  private readonly retentionMs: number;
  private producer: Producer | undefined;
  private running: Promise<void> | undefined;
  private stopping = false;
  private consecutiveFailures = 0;
  private lastPublishedAt: Date | undefined;
  private lastPurgeAt = 0;
  private abort = new AbortController();

  constructor(private readonly options: OutboxRelayOptions) {
    this.batchSize = options.batchSize ?? 100;
    this.pollIntervalMs = options.pollIntervalMs ?? 1_000;
    this.standbyRetryMs = options.standbyRetryMs ?? 2_000;
    this.backoff = options.backoff ?? { initialDelayMs: 200, maxDelayMs: 15_000 };
    this.retentionMs = options.retentionMs ?? 7 * 24 * 3_600_000;
  }

  start(): void {
    if (this.running) return;
    this.stopping = false;
    this.abort = new AbortController();
    this.running = this.loop();
  }

  /** Finishes the batch in flight, then releases leadership and the connections. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.stopping = true;
    this.abort.abort();
    this.options.store.interruptWait();
    await this.running;
    this.running = undefined;
    try {
      await this.producer?.disconnect();
    } finally {
      this.producer = undefined;
      // Always: closing the store releases leadership for a standby.
      await this.options.store.close();
    }
  }

  status(): OutboxRelayStatus {
    return {
      leader: this.options.store.isLeader(),
      consecutiveFailures: this.consecutiveFailures,
      lastPublishedAt: this.lastPublishedAt,
    };
  }

  private async loop(): Promise<void> {
    const { store, logger } = this.options;
    while (!this.stopping) {
      try {
        const wasLeader = store.isLeader();
        if (!(await store.holdLeadership())) {
          await this.pause(this.standbyRetryMs);
          continue;
        }
        if (!wasLeader) logger.log('outbox relay is the active relay');
        const batch = await store.fetchUnsent(this.batchSize);
        if (batch.length > 0) {
          await this.publish(batch);
          this.consecutiveFailures = 0;
        }
        // A full batch: more may be waiting. Otherwise the outbox was drained as of the fetch,
        // and whatever is committed after it signals itself (a signal that came meanwhile is
        // kept): no second fetch that would find nothing.
        if (batch.length < this.batchSize) {
          await this.purgeNowAndThen();
          await store.waitForWork(this.pollIntervalMs);
        }
      } catch (error) {
        this.consecutiveFailures += 1;
        const delay = backoffDelay(this.backoff, this.consecutiveFailures);
        logger.warn('outbox relay failed; retrying', {
          error: (error as Error).message,
          attempt: this.consecutiveFailures,
          retryInMs: delay,
        });
        await this.pause(delay);
      }
    }
  }

  // A pause that stop() cuts short, so stopping never waits out a backoff.
  private async pause(ms: number): Promise<void> {
    try {
      await sleep(ms, undefined, { signal: this.abort.signal });
    } catch (error) {
      if ((error as Error).name !== 'AbortError') throw error;
    }
  }

  private async publish(batch: OutboxRecord[]): Promise<void> {
    const { store, topics } = this.options;
    const ids = batch.map((record) => record.id);
    const spans: Span[] = [];
    try {
      const producer = await this.connectedProducer();
      // Grouped by topic in sequence order: within a partition, the order of the batch holds.
      const byTopic = new Map<string, OutboxRecord[]>();
      for (const record of batch)
        byTopic.set(record.topic, [...(byTopic.get(record.topic) ?? []), record]);
      await producer.sendBatch({
        acks: -1,
        topicMessages: [...byTopic].map(([topic, records]) => ({
          topic: topics.physical(topic),
          messages: records.map((record) => {
            const span = startPublishSpan(topic, record.headers, {
              'messaging.message.id': record.id,
              'messaging.kafka.message.key': record.partitionKey,
              'shop.message.type': record.type,
            });
            if (span) spans.push(span);
            return {
              key: record.partitionKey,
              value: JSON.stringify(record.payload),
              headers: tracedHeaders(record.headers, span),
            };
          }),
        })),
      });
      for (const span of spans) endSpan(span);
    } catch (error) {
      for (const span of spans) endSpan(span, error);
      await this.dropProducer();
      await store.recordFailure(ids, (error as Error).message);
      throw error;
    }
    await store.markSent(ids);
    this.lastPublishedAt = new Date();
  }

  private async connectedProducer(): Promise<Producer> {
    if (!this.producer) {
      const producer = this.options.kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        createPartitioner: Partitioners.DefaultPartitioner,
        // Few quick retries here; the relay's own backoff handles long outages.
        retry: { retries: 3, initialRetryTime: 100, maxRetryTime: 2_000 },
      });
      await producer.connect();
      this.producer = producer;
    }
    return this.producer;
  }

  // After a failure the producer may hold dead connections: start afresh next time.
  private async dropProducer(): Promise<void> {
    const producer = this.producer;
    this.producer = undefined;
    try {
      await producer?.disconnect();
    } catch (error) {
      this.options.logger.warn('outbox relay could not disconnect its producer', {
        error: (error as Error).message,
      });
    }
  }

  private async purgeNowAndThen(): Promise<void> {
    if (Date.now() - this.lastPurgeAt < PURGE_EVERY_MS) return;
    this.lastPurgeAt = Date.now();
    const purged = await this.options.store.purgeSentBefore(
      new Date(Date.now() - this.retentionMs),
    );
    if (purged > 0) this.options.logger.log('outbox relay purged sent messages', { purged });
  }
}
