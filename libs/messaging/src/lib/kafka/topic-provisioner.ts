import { dlqTopicOf } from '@shop/contracts';
import { type Admin } from 'kafkajs';
import { type TopicNames } from './topic-names';

export interface TopicSpec {
  /** The logical name (from the contracts); its dead-letter topic is provisioned with it. */
  name: string;
  partitions: number;
  replicationFactor: number;
}

export interface TopicProvisioning {
  created: string[];
  /** Existing topics whose partition count differs from the spec: left alone, for an operator. */
  mismatched: { topic: string; partitions: number; wanted: number }[];
}

/**
 * Creates the topics (and their `.dlq`) that do not exist yet. Never changes
 * an existing topic: adding partitions remaps keys to partitions, which would
 * break per-aggregate order for messages in flight; that is an operator's
 * planned change, so a mismatch is only reported.
 */
export async function provisionTopics(
  admin: Admin,
  names: TopicNames,
  specs: TopicSpec[],
): Promise<TopicProvisioning> {
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
  const mismatched: TopicProvisioning['mismatched'] = [];
  if (present.length > 0) {
    const metadata = await admin.fetchTopicMetadata({ topics: present.map((spec) => spec.topic) });
    for (const spec of present) {
      const partitions =
        metadata.topics.find((topic) => topic.name === spec.topic)?.partitions.length ?? 0;
      if (partitions !== spec.partitions)
        mismatched.push({ topic: spec.topic, partitions, wanted: spec.partitions });
    }
  }
  return { created: missing.map((spec) => spec.topic), mismatched };
}
