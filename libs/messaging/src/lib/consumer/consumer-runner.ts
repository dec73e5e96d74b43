import { ContractViolationError, parseMessage, type ParsedMessage } from '@shop/contracts';
import {
  type Consumer,
  type EachBatchPayload,
  type Kafka,
  type KafkaMessage,
  Partitioners,
  type Producer,
} from 'kafkajs';
import { setTimeout as sleep } from 'node:timers/promises';
import { type BackoffPolicy, backoffDelay } from '../backoff';
import { type DeadLetterReason } from '@shop/contracts';
import { DeadLetterPublisher } from '../dead-letter/dead-letter.publisher';
import { type Inbox } from '../inbox/inbox';
import { type TopicNames } from '../kafka/topic-names';
import { type MessagingLogger } from '../messaging-logger';
import { type ConsumerMetrics } from '../observability/messaging-metrics';
import { inProcessSpan } from '../observability/message-tracing';
import { withLogContext } from '@shop/observability';
import { type MessageHandler } from './message-handler';
import { type MessageOutcome } from './message-outcome';
import { NonRetriableError } from './non-retriable.error';

export interface ConsumerRunnerOptions<TTransaction> {
  kafka: Kafka;
  groupId: string;
  /** Logical topics (from the contracts). */
  topics: string[];
  topicNames: TopicNames;
  /**
   * By message type. A command or reply with no handler goes to the DLQ
   * (nothing is dropped silently); an event with no handler is skipped, since
   * subscribers of an events topic take only the types they care about.
   */
  handlers: ReadonlyMap<string, MessageHandler<TTransaction>>;
  inbox: Inbox<TTransaction>;
  logger: MessagingLogger;
  /** Attempts of a failing handler before its message is dead-lettered. */
  maxAttempts?: number;
  backoff?: BackoffPolicy;
  sessionTimeoutMs?: number;
  /**
   * How many of its partitions the member handles at once (default 1: one
   * message at a time). Messages of one partition stay in order whatever the
   * number, so per-key order holds; handlers must allow other keys' messages
   * beside theirs.
   */
  partitionsConcurrently?: number;
  /**
   * How many messages of one partition's batch are handled at once, each of
   * another key (default 1: one after the other). A key's messages stay in
   * order whatever the number (one order's messages share its key); the
   * offset committed is the end of what is settled without a gap.
   */
  messagesConcurrently?: number;
  /** Outcomes and dead letters on /metrics. */
  metrics?: ConsumerMetrics;
}

export interface ConsumerRunnerStatus {
  running: boolean;
  /** The member has joined its group and holds its assignment (false again while it rejoins). */
  joined: boolean;
  /** Set when kafkajs gave up (a crash it does not restart from): the service is not consuming. */
  crashed: string | undefined;
}

/** A long batch commits its progress every so many messages, so a crash redelivers few. */
const COMMIT_EVERY = 100;

/** The handler threw: counts toward maxAttempts. Anything else (the inbox's database) is retried until it recovers. */
class HandlerFailure extends Error {
  constructor(override readonly cause: unknown) {
    super(cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause));
  }
}

/** The partition was taken away (stop or rebalance): leave the message uncommitted for its next owner. */
class PartitionReleased extends Error {}

/**
 * Consumes with manual offsets: a message's offset is committed only after its
 * handler's transaction (effects + outgoing messages + inbox row) committed,
 * or after it was parked on the DLQ, once per batch. Poison messages (unparseable, breaking
 * their contract, no handler, NonRetriableError) go to the DLQ at once; a
 * failing handler is retried with backoff, then dead-lettered; an outage of
 * the inbox's own database is waited out, never dead-lettered. Heartbeats go
 * out between messages and between retries, so a slow batch keeps its member.
 */
export class ConsumerRunner<TTransaction> {
  private readonly consumer: Consumer;
  private readonly producer: Producer;
  private readonly deadLetters: DeadLetterPublisher;
  private readonly maxAttempts: number;
  private readonly backoff: BackoffPolicy;
  private readonly lanes: number;
  private started = false;
  private stopped = false;
  private joined = false;
  private crashed: string | undefined;
  private readonly outcomeListeners: ((outcome: MessageOutcome, message: KafkaMessage) => void)[] =
    [];

  constructor(private readonly options: ConsumerRunnerOptions<TTransaction>) {
    this.consumer = options.kafka.consumer({
      groupId: options.groupId,
      sessionTimeout: options.sessionTimeoutMs ?? 30_000,
      allowAutoTopicCreation: false,
    });
    this.producer = options.kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    this.deadLetters = new DeadLetterPublisher(this.producer, options.topicNames);
    this.maxAttempts = options.maxAttempts ?? 8;
    this.lanes = Math.max(1, options.messagesConcurrently ?? 1);
    // Sleeps stay well under the session timeout; heartbeats surround each one.
    this.backoff = options.backoff ?? { initialDelayMs: 500, maxDelayMs: 10_000 };
    this.consumer.on(this.consumer.events.GROUP_JOIN, () => {
      this.joined = !this.stopped;
    });
    this.consumer.on(this.consumer.events.REBALANCING, () => {
      this.joined = false;
    });
    this.consumer.on(this.consumer.events.CRASH, ({ payload }) => {
      this.joined = false;
      if (payload.restart) return;
      this.crashed = payload.error.message;
      options.logger.error('consumer crashed and will not restart', {
        groupId: options.groupId,
        error: payload.error.message,
      });
    });
  }

  /** For metrics and tests: called after each message is settled. */
  onOutcome(listener: (outcome: MessageOutcome, message: KafkaMessage) => void): void {
    this.outcomeListeners.push(listener);
  }

  status(): ConsumerRunnerStatus {
    return {
      running: this.started && !this.crashed,
      joined: this.joined && !this.crashed,
      crashed: this.crashed,
    };
  }

  /**
   * Connects, subscribes and joins the group. With `waitForGroup: false` it
   * resolves once subscribed and joins in the background (a failure to join
   * shows in `status().crashed`): a replica restarted after a crash may wait
   * out its dead predecessor's session before the group lets it in, and
   * nothing else of the service should wait with it.
   */
  async start(options: { waitForGroup?: boolean } = {}): Promise<void> {
    if (this.started || this.stopped) return;
    this.started = true;
    await this.producer.connect();
    await this.consumer.connect();
    await this.subscribe();
    const running = this.consumer.run({
      partitionsConsumedConcurrently: this.options.partitionsConcurrently ?? 1,
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: (payload) => this.consumeBatch(payload),
    });
    if (options.waitForGroup !== false) {
      await running;
      return;
    }
    running.catch((error: unknown) => {
      this.crashed = error instanceof Error ? error.message : String(error);
      this.options.logger.error('consumer could not join its group', {
        groupId: this.options.groupId,
        error: this.crashed,
      });
    });
  }

  /**
   * Topics created a moment ago (by this service at start) may not be in the
   * broker's metadata yet: "does not host this topic-partition" is retried for
   * a while instead of failing the start.
   */
  private async subscribe(): Promise<void> {
    const topics = this.options.topics.map((topic) => this.options.topicNames.physical(topic));
    for (let attempt = 1; ; attempt += 1) {
      try {
        await this.consumer.subscribe({ topics, fromBeginning: true });
        return;
      } catch (error) {
        const unknownTopic = (error as { type?: string }).type === 'UNKNOWN_TOPIC_OR_PARTITION';
        if (!unknownTopic || attempt >= 60) throw error;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  }

  /** Waits for the message in hand to settle (or be released), then leaves the group. */
  async stop(): Promise<void> {
    // Also when the group has not admitted the member yet: a join that completes after this
    // must not hand it messages (kafkajs's stop is a no-op until the runner runs).
    this.stopped = true;
    this.joined = false;
    if (!this.started) return;
    this.started = false;
    try {
      await this.consumer.disconnect();
    } finally {
      await this.producer.disconnect();
    }
  }

  private async consumeBatch(payload: EachBatchPayload): Promise<void> {
    const { batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale } =
      payload;
    const topic = this.options.topicNames.logical(batch.topic);
    const owned = (): boolean => isRunning() && !isStale() && !this.stopped;
    const messages = batch.messages;
    // Offsets are committed once per batch (and every COMMIT_EVERY messages of a long one), not
    // per message: a commit is a broker round trip and a write to __consumer_offsets. The
    // offset committed is the end of the batch's settled prefix; a message settled but not yet
    // committed when the member dies is delivered again, and the inbox answers it as a duplicate.
    const done = new Array<boolean>(messages.length).fill(false);
    let prefix = 0; // messages[0 .. prefix) are settled
    let committed = 0;
    let committing: Promise<void> = Promise.resolve();
    const commit = (): Promise<void> => {
      const attempt = committing.then(async () => {
        while (prefix < messages.length && done[prefix]) prefix += 1;
        if (prefix === committed) return;
        const target = prefix;
        const last = messages[target - 1] as KafkaMessage;
        resolveOffset(last.offset);
        // Not consumer.commitOffsets(): kafkajs skips that silently once stop() began,
        // which would leave the messages in hand uncommitted on every graceful shutdown.
        await commitOffsetsIfNecessary({
          topics: [
            {
              topic: batch.topic,
              partitions: [
                { partition: batch.partition, offset: (BigInt(last.offset) + 1n).toString() },
              ],
            },
          ],
        });
        committed = target;
      });
      // A failed commit is tried again by the next one, not left to fail the rest.
      committing = attempt.catch(() => undefined);
      return attempt;
    };
    let sinceCommit = 0;
    // Messages of one key in order, one after another; different keys side by side, up to
    // `messagesConcurrently` at once (1: the whole batch in order).
    const lanes = new Map<string, number[]>();
    messages.forEach((message, index) => {
      const key = this.lanes > 1 ? (message.key?.toString('latin1') ?? '') : '';
      const lane = lanes.get(key);
      if (lane) lane.push(index);
      else lanes.set(key, [index]);
    });
    const queue = [...lanes.values()];
    const work = async (): Promise<void> => {
      for (let lane = queue.shift(); lane; lane = queue.shift()) {
        for (const index of lane) {
          if (!owned()) return;
          const message = messages[index] as KafkaMessage;
          let outcome: MessageOutcome;
          try {
            outcome = await this.settle(topic, batch.partition, message, heartbeat, owned);
          } catch (error) {
            if (error instanceof PartitionReleased) return;
            throw error;
          }
          done[index] = true;
          this.options.metrics?.settled(topic, outcome);
          for (const listener of this.outcomeListeners) listener(outcome, message);
          if ((sinceCommit += 1) >= COMMIT_EVERY) {
            sinceCommit = 0;
            await commit();
          }
          await heartbeat();
        }
      }
    };
    const workers = await Promise.allSettled(
      Array.from({ length: Math.min(this.lanes, queue.length) }, () => work()),
    );
    await commit().catch((error: unknown) => {
      // The partition moved on (a rebalance): its next owner gets these again, as duplicates.
      this.options.logger.warn('offsets not committed; the next owner redelivers them', {
        topic,
        partition: batch.partition,
        error: error instanceof Error ? error.message : String(error),
      });
    });
    const failed = workers.find((worker) => worker.status === 'rejected');
    if (failed) throw failed.reason;
  }

  private async settle(
    topic: string,
    partition: number,
    message: KafkaMessage,
    heartbeat: () => Promise<void>,
    owned: () => boolean,
  ): Promise<MessageOutcome> {
    const { logger, groupId } = this.options;
    const deadLetter = async (reason: DeadLetterReason, error: string, attempts: number) => {
      await this.deadLetters.publish({
        topic,
        partition,
        message,
        reason,
        error,
        attempts,
        consumerGroup: groupId,
      });
      this.options.metrics?.deadLetteredOne(topic, reason);
      logger.warn('message dead-lettered', {
        topic,
        partition,
        offset: message.offset,
        reason,
        error,
      });
      return 'dead-lettered' as const;
    };

    let parsed: ParsedMessage;
    try {
      parsed = parseMessage(message.value);
    } catch (error) {
      if (error instanceof ContractViolationError)
        return deadLetter(error.reason, error.details, 0);
      throw error;
    }
    const handler = this.options.handlers.get(parsed.envelope.type);
    if (!handler) {
      if (parsed.definition.kind === 'event') return 'ignored';
      return deadLetter('no-handler', `${groupId} has no handler for ${parsed.envelope.type}`, 0);
    }
    const { envelope } = parsed;
    const orderId = (envelope.data as { orderId?: unknown } | null)?.orderId;
    const fields = {
      messageId: envelope.id,
      messageType: envelope.type,
      correlationId: envelope.correlationId,
      // Saga traffic: every line about an order can be found by its id.
      ...(typeof orderId === 'string' ? { orderId } : {}),
    };
    return inProcessSpan(topic, groupId, message, envelope, async (span) => {
      if (typeof orderId === 'string') span.setAttribute('shop.order.id', orderId);
      const outcome = await withLogContext(fields, async () => {
        const started = performance.now();
        const settled = await this.handleWithRetries(parsed, handler, heartbeat, owned, deadLetter);
        logger.log('message handled', {
          topic,
          outcome: settled,
          durationMs: Math.round(performance.now() - started),
        });
        return settled;
      });
      span.setAttribute('shop.message.outcome', outcome);
      return outcome;
    });
  }

  private async handleWithRetries(
    parsed: ParsedMessage,
    handler: MessageHandler<TTransaction>,
    heartbeat: () => Promise<void>,
    owned: () => boolean,
    deadLetter: (
      reason: DeadLetterReason,
      error: string,
      attempts: number,
    ) => Promise<'dead-lettered'>,
  ): Promise<MessageOutcome> {
    const { logger, groupId } = this.options;
    let handlerFailures = 0;
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.options.inbox.process(groupId, parsed.envelope, async (transaction) => {
          try {
            await handler(parsed, transaction);
          } catch (error) {
            throw new HandlerFailure(error);
          }
        });
      } catch (error) {
        const cause = error instanceof HandlerFailure ? error.cause : error;
        const text = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
        if (cause instanceof NonRetriableError || cause instanceof ContractViolationError) {
          return deadLetter('non-retriable', text, attempt);
        }
        // A handler that failed while its store does not answer met the outage: waited out.
        const handlerFailed =
          error instanceof HandlerFailure && (await this.options.inbox.answers?.()) !== false;
        if (handlerFailed) {
          handlerFailures += 1;
          if (handlerFailures >= this.maxAttempts)
            return deadLetter('handler-failed', text, handlerFailures);
        }
        const delay = backoffDelay(this.backoff, attempt);
        logger.warn(handlerFailed ? 'handler failed; retrying' : 'store unavailable; retrying', {
          type: parsed.envelope.type,
          messageId: parsed.envelope.id,
          attempt,
          retryInMs: delay,
          error: text,
        });
        await heartbeat();
        await sleep(delay);
        if (!owned()) throw new PartitionReleased();
        await heartbeat();
      }
    }
  }
}
