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
import { type DeadLetterReason } from '../dead-letter/dead-letter-headers';
import { DeadLetterPublisher } from '../dead-letter/dead-letter.publisher';
import { type Inbox } from '../inbox/inbox';
import { type TopicNames } from '../kafka/topic-names';
import { type MessagingLogger } from '../messaging-logger';
import { type MessageHandler } from './message-handler';
import { NonRetriableError } from './non-retriable.error';

export interface ConsumerRunnerOptions<TTransaction> {
  kafka: Kafka;
  groupId: string;
  /** Logical topics (from the contracts). */
  topics: string[];
  topicNames: TopicNames;
  /** By message type. A message of a type with no handler goes to the DLQ: nothing is dropped silently. */
  handlers: ReadonlyMap<string, MessageHandler<TTransaction>>;
  inbox: Inbox<TTransaction>;
  logger: MessagingLogger;
  /** Attempts for a transient failure before the message is dead-lettered. */
  maxAttempts?: number;
  backoff?: BackoffPolicy;
  sessionTimeoutMs?: number;
}

export type MessageOutcome = 'processed' | 'duplicate' | 'dead-lettered';

/**
 * Consumes with manual offsets: a message's offset is committed only after its
 * handler's transaction (effects + outgoing messages + inbox row) committed,
 * or after it was parked on the DLQ. Poison messages (unparseable, breaking
 * their contract, no handler, NonRetriableError) go to the DLQ at once;
 * transient failures are retried with backoff, then dead-lettered. Heartbeats
 * are sent between messages and between retries, so a slow batch does not get
 * the member evicted.
 */
export class ConsumerRunner<TTransaction> {
  private readonly consumer: Consumer;
  private readonly producer: Producer;
  private readonly deadLetters: DeadLetterPublisher;
  private readonly maxAttempts: number;
  private readonly backoff: BackoffPolicy;
  private started = false;
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
    this.maxAttempts = options.maxAttempts ?? 5;
    this.backoff = options.backoff ?? { initialDelayMs: 200, maxDelayMs: 5_000 };
  }

  /** For metrics and tests: called after each message is settled. */
  onOutcome(listener: (outcome: MessageOutcome, message: KafkaMessage) => void): void {
    this.outcomeListeners.push(listener);
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    await this.producer.connect();
    await this.consumer.connect();
    await this.consumer.subscribe({
      topics: this.options.topics.map((topic) => this.options.topicNames.physical(topic)),
      fromBeginning: true,
    });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: (payload) => this.consumeBatch(payload),
    });
  }

  /** Waits for the message in hand to settle, then leaves the group. */
  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    await this.consumer.disconnect();
    await this.producer.disconnect();
  }

  private async consumeBatch({
    batch,
    resolveOffset,
    heartbeat,
    commitOffsetsIfNecessary,
    isRunning,
    isStale,
  }: EachBatchPayload): Promise<void> {
    const topic = this.options.topicNames.logical(batch.topic);
    for (const message of batch.messages) {
      if (!isRunning() || isStale()) return;
      const outcome = await this.settle(topic, batch.partition, message, heartbeat);
      resolveOffset(message.offset);
      // Not consumer.commitOffsets(): kafkajs skips that silently once stop() began,
      // which would leave the message in hand uncommitted on every graceful shutdown.
      await commitOffsetsIfNecessary({
        topics: [
          {
            topic: batch.topic,
            partitions: [
              { partition: batch.partition, offset: (BigInt(message.offset) + 1n).toString() },
            ],
          },
        ],
      });
      await heartbeat();
      for (const listener of this.outcomeListeners) listener(outcome, message);
    }
  }

  private async settle(
    topic: string,
    partition: number,
    message: KafkaMessage,
    heartbeat: () => Promise<void>,
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
      return deadLetter('no-handler', `${groupId} has no handler for ${parsed.envelope.type}`, 0);
    }
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.options.inbox.process(groupId, parsed.envelope, (transaction) =>
          handler(parsed, transaction),
        );
      } catch (error) {
        const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        if (error instanceof NonRetriableError || error instanceof ContractViolationError) {
          return deadLetter('non-retriable', text, attempt);
        }
        if (attempt >= this.maxAttempts) return deadLetter('handler-failed', text, attempt);
        const delay = backoffDelay(this.backoff, attempt);
        logger.warn('handler failed; retrying', {
          type: parsed.envelope.type,
          messageId: parsed.envelope.id,
          attempt,
          retryInMs: delay,
          error: text,
        });
        await heartbeat();
        await sleep(delay);
        await heartbeat();
      }
    }
  }
}
