import {
  createMessage,
  type DeadLetterReason,
  headersOf,
  type MessageDefinition,
  type Topic,
} from '@shop/contracts';
import { DeadLetterPublisher, provisionTopics, TopicNames } from '@shop/messaging';
import { TestKafkaNamespace, uniqueName } from '@shop/testing';
import { randomUUID } from 'node:crypto';
import { type KafkaMessage, Partitioners, type Producer } from 'kafkajs';
import { runDlqCommand } from '../../src/dlq.command';

export interface CommandResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface DeadLetterFixture {
  topic: Topic;
  /** Where the message sat in its original topic. */
  originalOffset: string;
  key: string;
  value: string;
  headers?: Record<string, string>;
  reason: DeadLetterReason;
  error: string;
  attempts?: number;
}

/** Real Kafka topics of one test file, dead letters put there as a consumer would, and the command run in-process. */
export class DlqTestBed {
  readonly kafka = new TestKafkaNamespace('dlq');
  private producer!: Producer;

  async setUp(): Promise<void> {
    this.producer = this.kafka.client.producer({
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await this.producer.connect();
  }

  async tearDown(): Promise<void> {
    await this.producer?.disconnect();
    await this.kafka.cleanup();
  }

  /**
   * Topics (and their dead-letter topics) of one test case of its own. One
   * partition each, so dead letters sit at 0:0, 0:1, … in the order they were parked.
   */
  async topicsForCase(topics: readonly Topic[]): Promise<TopicNames> {
    const names = new TopicNames(`${this.kafka.prefix}${uniqueName('case')}.`);
    const admin = this.kafka.client.admin();
    await admin.connect();
    try {
      await provisionTopics(
        admin,
        names,
        topics.map((name) => ({ name, partitions: 1, replicationFactor: 1 })),
      );
    } finally {
      await admin.disconnect();
    }
    return names;
  }

  /** Parks a message through the publisher the ConsumerRunner uses, so the dlq-* headers are the real ones. */
  async deadLetter(names: TopicNames, fixture: DeadLetterFixture): Promise<void> {
    const message: KafkaMessage = {
      key: Buffer.from(fixture.key),
      value: Buffer.from(fixture.value),
      headers: fixture.headers ?? {},
      offset: fixture.originalOffset,
      timestamp: String(Date.now()),
      attributes: 0,
    };
    await new DeadLetterPublisher(this.producer, names).publish({
      topic: fixture.topic,
      partition: 0,
      message,
      reason: fixture.reason,
      error: fixture.error,
      attempts: fixture.attempts ?? 1,
      consumerGroup: `${names.prefix}consumer`,
    });
  }

  /** Runs `dlq <argv>` with the brokers and topic prefix in the environment, as `npm run dlq` would see them. */
  async run(names: TopicNames, ...argv: string[]): Promise<CommandResult> {
    const stdout: string[] = [];
    const stderr: string[] = [];
    const exitCode = await runDlqCommand(argv, {
      stdout: { write: (text: string) => stdout.push(text) },
      stderr: { write: (text: string) => stderr.push(text) },
      env: { KAFKA_BROKERS: this.kafka.brokers.join(','), KAFKA_TOPIC_PREFIX: names.prefix },
    });
    return { exitCode, stdout: stdout.join(''), stderr: stderr.join('') };
  }

  /** How many messages a topic holds: what was sent to it, without waiting for a consumer. */
  async messageCount(topic: string): Promise<number> {
    const admin = this.kafka.client.admin();
    await admin.connect();
    try {
      const offsets = await admin.fetchTopicOffsets(topic);
      return offsets.reduce((sum, { high, low }) => sum + Number(BigInt(high) - BigInt(low)), 0);
    } finally {
      await admin.disconnect();
    }
  }

  /** Reads a topic's first `count` messages; check messageCount first, or this waits for ever. */
  async read(topic: string, count: number): Promise<KafkaMessage[]> {
    const consumer = this.kafka.client.consumer({
      groupId: this.kafka.groupId(uniqueName('read')),
    });
    const messages: KafkaMessage[] = [];
    await consumer.connect();
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      await new Promise<void>((resolve, reject) => {
        consumer
          .run({
            eachMessage: async ({ message }) => {
              messages.push(message);
              if (messages.length >= count) resolve();
            },
          })
          .catch(reject);
      });
    } finally {
      await consumer.disconnect();
    }
    return messages;
  }
}

/** A contract-valid message as the producing service would have sent it: value and headers. */
export function messageOf<TData>(
  definition: MessageDefinition<string, TData>,
  data: NoInfer<TData>,
): { key: string; value: string; headers: Record<string, string> } {
  const { key, envelope } = createMessage(definition, data, {
    source: 'order',
    correlationId: randomUUID(),
  });
  return { key, value: JSON.stringify(envelope), headers: headersOf(envelope) };
}
