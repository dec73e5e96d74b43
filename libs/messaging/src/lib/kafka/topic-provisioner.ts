import { dlqTopicOf } from '@shop/contracts';
import { type Admin } from 'kafkajs';
import { type TopicNames } from './topic-names';

export interface TopicSpec {
  /** The logical name (from the contracts); its dead-letter topic is provisioned with it. */
  name: string;
  partitions: number;
  replicationFactor: number;
}

/**
 * Creates the topics (and their `.dlq`) that do not exist yet; grows the
 * partitions of those that have fewer than asked. Never shrinks: Kafka cannot,
 * and key-to-partition mapping would change.
 */
export async function provisionTopics(
  admin: Admin,
  names: TopicNames,
  specs: TopicSpec[],
): Promise<string[]> {
  const wanted = specs.flatMap((spec) => [
    { ...spec, topic: names.physical(spec.name) },
    { ...spec, topic: names.physical(dlqTopicOf(spec.name)) },
  ]);
  const existing = new Set(await admin.listTopics());
  const missing = wanted.filter((spec) => !existing.has(spec.topic));
  if (missing.length > 0) {
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((spec) => ({
        topic: spec.topic,
        numPartitions: spec.partitions,
        replicationFactor: spec.replicationFactor,
      })),
    });
  }
  const present = wanted.filter((spec) => existing.has(spec.topic));
  if (present.length > 0) {
    const metadata = await admin.fetchTopicMetadata({ topics: present.map((spec) => spec.topic) });
    const grow = present
      .map((spec) => ({
        spec,
        current: metadata.topics.find((topic) => topic.name === spec.topic)?.partitions.length ?? 0,
      }))
      .filter(({ spec, current }) => current < spec.partitions);
    if (grow.length > 0) {
      await admin.createPartitions({
        topicPartitions: grow.map(({ spec }) => ({ topic: spec.topic, count: spec.partitions })),
      });
    }
  }
  return missing.map((spec) => spec.topic);
}
