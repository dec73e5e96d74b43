import { type Consumer, type EachMessagePayload, Partitioners, type Producer } from 'kafkajs';
import { TestKafkaNamespace } from '../src';

/** Consumes until `stopAfter` returns true for a message, then resolves with what it saw. */
async function consumeUntil(
  consumer: Consumer,
  topic: string,
  onMessage: (payload: EachMessagePayload) => Promise<boolean>,
): Promise<string[]> {
  const seen: string[] = [];
  await consumer.subscribe({ topic, fromBeginning: true });
  await new Promise<void>((resolve, reject) => {
    consumer
      .run({
        autoCommit: false,
        eachMessage: async (payload) => {
          seen.push(payload.message.value?.toString() ?? '');
          if (await onMessage(payload)) resolve();
        },
      })
      .catch(reject);
  });
  return seen;
}

describe('Kafka through kafkajs (real broker)', () => {
  const kafka = new TestKafkaNamespace('smoke-kafka');
  let producer: Producer;
  let topic: string;

  beforeAll(async () => {
    [topic] = await kafka.createTopics([{ name: 'orders', numPartitions: 1 }]);
    producer = kafka.client.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
  });

  afterAll(async () => {
    await producer?.disconnect();
    await kafka.cleanup();
  });

  it('creates the topic with the partitions asked for', async () => {
    const admin = kafka.client.admin();
    await admin.connect();
    try {
      const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
      expect(metadata.topics[0]?.partitions).toHaveLength(1);
    } finally {
      await admin.disconnect();
    }
  });

  it('lets a second consumer of the group resume after the first one committed', async () => {
    const groupId = kafka.groupId('order-readers');
    await producer.send({ topic, messages: [{ value: 'm1' }, { value: 'm2' }] });

    // The first member commits m1 only, then leaves.
    const first = kafka.client.consumer({ groupId });
    await first.connect();
    const firstSeen = await consumeUntil(first, topic, async ({ message, partition }) => {
      if (message.value?.toString() !== 'm1') return false;
      await first.commitOffsets([
        { topic, partition, offset: (BigInt(message.offset) + 1n).toString() },
      ]);
      return true;
    });
    await first.disconnect();
    await producer.send({ topic, messages: [{ value: 'm3' }] });

    const second = kafka.client.consumer({ groupId });
    await second.connect();
    const secondSeen = await consumeUntil(
      second,
      topic,
      async ({ message }) => message.value?.toString() === 'm3',
    );
    await second.disconnect();

    expect(firstSeen[0]).toBe('m1');
    expect(secondSeen).toEqual(['m2', 'm3']);
  });
});
