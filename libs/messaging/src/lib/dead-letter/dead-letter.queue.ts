import { randomUUID } from 'node:crypto';
import { type IHeaders, type Kafka, type KafkaMessage, Partitioners } from 'kafkajs';
import { type TopicNames } from '../kafka/topic-names';
import { DeadLetterHeaders, REPLAYED_FROM_HEADER } from '@shop/contracts';

export interface StoredDeadLetter {
  partition: number;
  offset: string;
  key: string | null;
  value: string | null;
  /** The dlq-* headers, decoded. */
  reason: string;
  error: string;
  originalTopic: string;
  originalPartition: number;
  originalOffset: string;
  attempts: number;
  failedAt: string;
  headers: Record<string, string>;
}

const text = (value: IHeaders[string]): string =>
  value === undefined ? '' : Array.isArray(value) ? value.map(String).join(',') : String(value);

function toStoredDeadLetter(
  partition: number,
  offset: string,
  message: KafkaMessage,
): StoredDeadLetter {
  const headers = Object.fromEntries(
    Object.entries(message.headers ?? {}).map(([name, value]) => [name, text(value)]),
  );
  return {
    partition,
    offset,
    key: message.key?.toString() ?? null,
    value: message.value?.toString() ?? null,
    reason: headers[DeadLetterHeaders.reason] ?? '',
    error: headers[DeadLetterHeaders.error] ?? '',
    originalTopic: headers[DeadLetterHeaders.originalTopic] ?? '',
    originalPartition: Number(headers[DeadLetterHeaders.originalPartition]),
    originalOffset: headers[DeadLetterHeaders.originalOffset] ?? '',
    attempts: Number(headers[DeadLetterHeaders.attempts] ?? 0),
    failedAt: headers[DeadLetterHeaders.failedAt] ?? '',
    headers,
  };
}

/**
 * Reads and replays a topic's dead letters (`<topic>.dlq`): what the `dlq`
 * command line shows and does. Reading never commits offsets; a replay sends
 * the original key, value and headers back to the original topic, where the
 * consumer's inbox makes a second replay of the same message a no-op.
 */
export class DeadLetterQueue {
  constructor(
    private readonly kafka: Kafka,
    private readonly topics: TopicNames,
  ) {}

  async list(logicalTopic: string, timeoutMs = 30_000): Promise<StoredDeadLetter[]> {
    const dlq = this.topics.deadLetterOf(logicalTopic);
    const admin = this.kafka.admin();
    await admin.connect();
    let offsets: { partition: number; low: string; high: string }[];
    try {
      offsets = await admin.fetchTopicOffsets(dlq);
    } finally {
      await admin.disconnect();
    }
    // Only partitions that still hold letters (retention may have emptied some: low == high).
    const pending = new Map(
      offsets
        .filter(({ low, high }) => BigInt(low) < BigInt(high))
        .map(({ partition, high }) => [partition, BigInt(high)]),
    );
    if (pending.size === 0) return [];

    const letters: StoredDeadLetter[] = [];
    // A throw-away group that never commits: reading leaves no trace.
    const consumer = this.kafka.consumer({ groupId: `dlq-reader-${randomUUID()}` });
    await consumer.connect();
    let timer: NodeJS.Timeout | undefined;
    try {
      await consumer.subscribe({ topic: dlq, fromBeginning: true });
      await new Promise<void>((resolve, reject) => {
        timer = setTimeout(
          () => reject(new Error(`reading ${dlq} did not reach its end within ${timeoutMs} ms`)),
          timeoutMs,
        );
        consumer.on(consumer.events.CRASH, ({ payload }) => reject(payload.error));
        consumer
          .run({
            autoCommit: false,
            eachMessage: async ({ partition, message }) => {
              const end = pending.get(partition);
              if (end === undefined || BigInt(message.offset) >= end) return;
              letters.push(toStoredDeadLetter(partition, message.offset, message));
              if (BigInt(message.offset) + 1n >= end) pending.delete(partition);
              if (pending.size === 0) resolve();
            },
          })
          .catch(reject);
      });
    } finally {
      clearTimeout(timer);
      await consumer.disconnect();
    }
    return letters.sort(
      (a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)),
    );
  }

  /** Sends dead letters back to their original topic; all of them, or those at the given positions. */
  async replay(
    logicalTopic: string,
    select: (letter: StoredDeadLetter) => boolean = () => true,
  ): Promise<StoredDeadLetter[]> {
    const chosen = (await this.list(logicalTopic)).filter(select);
    if (chosen.length === 0) return [];
    const producer = this.kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    try {
      for (const letter of chosen) {
        const original = Object.fromEntries(
          Object.entries(letter.headers).filter(([name]) => !name.startsWith('dlq-')),
        );
        await producer.send({
          topic: this.topics.physical(letter.originalTopic || logicalTopic),
          acks: -1,
          messages: [
            {
              key: letter.key,
              value: letter.value,
              headers: {
                ...original,
                [REPLAYED_FROM_HEADER]: `${this.topics.deadLetterOf(logicalTopic)}:${letter.partition}:${letter.offset}`,
              },
            },
          ],
        });
      }
    } finally {
      await producer.disconnect();
    }
    return chosen;
  }
}
