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
    // kafkajs's own wait for leaders retries only LEADER_NOT_AVAILABLE; a KRaft broker
    // that has not applied the new topics yet answers UNKNOWN_TOPIC_OR_PARTITION, which
    // failed the start. So the wait is ours, and retries both.
    await admin.createTopics({
      waitForLeaders: false,
      topics: missing.map((spec) => ({
        topic: spec.topic,
        numPartitions: spec.partitions,
        replicationFactor: spec.replicationFactor,
      })),
    });
    await waitForTopicLeaders(
      admin,
      missing.map((spec) => spec.topic),
    );
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

/** What a broker answers while a topic it just created is still being set up. */
const SETTLING_TOPIC_ERRORS = new Set([
  'UNKNOWN_TOPIC_OR_PARTITION',
  'LEADER_NOT_AVAILABLE',
  // Named as leader in the metadata, the broker has not taken the partition on yet.
  'NOT_LEADER_FOR_PARTITION',
]);

/**
 * Whether an error says "not there yet": the broker's own answer, or kafkajs
 * giving up its internal retries of it (KafkaJSNumberOfRetriesExceeded, the
 * broker's answer as its cause).
 */
function settling(error: unknown): boolean {
  const { type, cause } = (error ?? {}) as { type?: string; cause?: { type?: string } };
  return SETTLING_TOPIC_ERRORS.has(type ?? cause?.type ?? '');
}

/**
 * Waits until every partition of these (physical) topics has a leader that
 * serves it: the metadata names one, and the leaders answer for their
 * offsets. Only then can producers write and consumers subscribe. An error
 * other than "not there yet" fails at once; "not there yet" is asked again
 * until `timeoutMs` has passed (a call in flight at that moment is let
 * finish).
 */
export async function waitForTopicLeaders(
  admin: Admin,
  topics: string[],
  { timeoutMs = 30_000, pollMs = 200 }: { timeoutMs?: number; pollMs?: number } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let lastError: unknown;
    try {
      const metadata = await admin.fetchTopicMetadata({ topics });
      const led = topics.every((name) => {
        const partitions = metadata.topics.find((topic) => topic.name === name)?.partitions;
        return !!partitions?.length && partitions.every(({ leader }) => leader >= 0);
      });
      if (led) {
        for (const topic of topics) await admin.fetchTopicOffsets(topic);
        return;
      }
    } catch (error) {
      if (!settling(error)) throw error;
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `topics without a leader after ${timeoutMs} ms: ${topics.join(', ')}` +
          (lastError instanceof Error ? ` (last answer: ${lastError.message})` : ''),
        { cause: lastError },
      );
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
