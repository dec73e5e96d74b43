import { Topics } from '@shop/contracts';
import { TestKafkaNamespace } from '@shop/testing';
import { type Admin, KafkaJSNumberOfRetriesExceeded, KafkaJSProtocolError } from 'kafkajs';
import { provisionTopics, TopicNames, waitForTopicLeaders } from '../src';

/** What a broker answers for a topic it has not applied yet (kafkajs's own error). */
const brokerError = (type: string, code: number, message: string): KafkaJSProtocolError =>
  new KafkaJSProtocolError(Object.assign(new Error(message), { type, code }));

/** The real admin, whose next answers to `method` are these errors (taken from `errors`). */
function withAnswers(
  admin: Admin,
  errors: Error[],
  method: 'fetchTopicMetadata' | 'fetchTopicOffsets' = 'fetchTopicMetadata',
): Admin {
  return new Proxy(admin, {
    get(target, property, receiver) {
      const real: unknown = Reflect.get(target, property, receiver);
      if (property !== method || typeof real !== 'function') return real;
      return async (...args: unknown[]) => {
        const error = errors.shift();
        if (error) throw error;
        return (real as (...args: unknown[]) => Promise<unknown>).apply(target, args);
      };
    },
  });
}

describe('provisionTopics (real Kafka)', () => {
  const kafka = new TestKafkaNamespace('topic-provisioner');
  const names = new TopicNames(kafka.prefix);
  let admin: Admin;

  const partitionsOf = async (topic: string): Promise<number> => {
    const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
    return metadata.topics[0]?.partitions.length ?? 0;
  };

  beforeAll(async () => {
    admin = kafka.client.admin();
    await admin.connect();
  });

  afterAll(async () => {
    await admin?.disconnect();
    await kafka.cleanup();
  });

  it('creates each topic with its dead-letter topic and the partitions asked for', async () => {
    const { created, mismatched } = await provisionTopics(admin, names, [
      { name: Topics.paymentCommands, partitions: 4, replicationFactor: 1 },
    ]);

    expect(created.sort()).toEqual([
      `${kafka.prefix}payment.commands`,
      `${kafka.prefix}payment.commands.dlq`,
    ]);
    expect(mismatched).toEqual([]);
    expect(await partitionsOf(names.physical(Topics.paymentCommands))).toBe(4);
    expect(await partitionsOf(names.deadLetterOf(Topics.paymentCommands))).toBe(4);
  });

  it('is idempotent, and reports (never changes) an existing topic whose partitions differ', async () => {
    const again = await provisionTopics(admin, names, [
      { name: Topics.paymentCommands, partitions: 4, replicationFactor: 1 },
    ]);
    const different = await provisionTopics(admin, names, [
      { name: Topics.paymentCommands, partitions: 6, replicationFactor: 1 },
    ]);

    expect(again).toEqual({ created: [], mismatched: [] });
    expect(different.created).toEqual([]);
    expect(different.mismatched).toEqual([
      { topic: names.physical(Topics.paymentCommands), partitions: 4, wanted: 6 },
      { topic: names.deadLetterOf(Topics.paymentCommands), partitions: 4, wanted: 6 },
    ]);
    expect(await partitionsOf(names.physical(Topics.paymentCommands))).toBe(4);
  });

  it('waits out a broker that does not know the new topics yet, then answers with them led', async () => {
    // A KRaft broker answers this until it has applied the topics it just created;
    // kafkajs's own wait retried only LEADER_NOT_AVAILABLE and failed the service's start.
    const answers = [
      brokerError(
        'UNKNOWN_TOPIC_OR_PARTITION',
        3,
        'This server does not host this topic-partition',
      ),
      brokerError('LEADER_NOT_AVAILABLE', 5, 'There is no leader for this topic-partition'),
      // kafkajs giving up its own retries of that answer: the broker's error is the cause.
      new KafkaJSNumberOfRetriesExceeded(
        brokerError('LEADER_NOT_AVAILABLE', 5, 'There is no leader for this topic-partition'),
        { retryCount: 5, retryTime: 1_000 },
      ),
    ];
    const settling = withAnswers(admin, answers);

    const { created } = await provisionTopics(settling, names, [
      { name: Topics.orderEvents, partitions: 2, replicationFactor: 1 },
    ]);

    expect(created).toContain(names.physical(Topics.orderEvents));
    expect(answers).toEqual([]); // each was answered to the wait, which asked again
    const metadata = await admin.fetchTopicMetadata({ topics: created });
    for (const topic of metadata.topics) {
      expect(topic.partitions.map(({ leader }) => leader >= 0)).toEqual([true, true]);
    }
  });

  it('waits until a leader named in the metadata serves its partition', async () => {
    // The metadata may name the leader a moment before the broker has taken the partition on:
    // its answer for the offsets (what a producer or a consumer asks next) is then this.
    const answers = [
      brokerError(
        'NOT_LEADER_FOR_PARTITION',
        6,
        'This server is not the leader for that topic-partition',
      ),
    ];
    const notServingYet = withAnswers(admin, answers, 'fetchTopicOffsets');

    await provisionTopics(notServingYet, names, [
      { name: Topics.catalogCommands, partitions: 1, replicationFactor: 1 },
    ]);

    expect(answers).toEqual([]); // answered to the wait, which asked again
    const offsets = await admin.fetchTopicOffsets(names.physical(Topics.catalogCommands));
    expect(offsets.map(({ partition }) => partition)).toEqual([0]);
  });

  it('fails at once on any other metadata error, and names the topics once its time is up', async () => {
    const refused = withAnswers(admin, [
      brokerError('TOPIC_AUTHORIZATION_FAILED', 29, 'Not authorized to access topics'),
    ]);
    await expect(
      waitForTopicLeaders(refused, [names.physical(Topics.paymentCommands)]),
    ).rejects.toMatchObject({ type: 'TOPIC_AUTHORIZATION_FAILED' });

    const neverThere = withAnswers(
      admin,
      Array.from({ length: 50 }, () =>
        brokerError(
          'UNKNOWN_TOPIC_OR_PARTITION',
          3,
          'This server does not host this topic-partition',
        ),
      ),
    );
    await expect(
      waitForTopicLeaders(neverThere, ['never-created'], { timeoutMs: 300, pollMs: 50 }),
    ).rejects.toThrow(
      'topics without a leader after 300 ms: never-created (last answer: This server does not host this topic-partition)',
    );
  });
});
