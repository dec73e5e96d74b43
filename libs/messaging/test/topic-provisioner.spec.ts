import { Topics } from '@shop/contracts';
import { TestKafkaNamespace } from '@shop/testing';
import { type Admin } from 'kafkajs';
import { provisionTopics, TopicNames } from '../src';

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
});
