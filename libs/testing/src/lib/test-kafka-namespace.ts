import { type Admin, type ITopicConfig, Kafka, type KafkaConfig, logLevel } from 'kafkajs';
import { testInfraSettings } from './test-infra-settings';
import { uniqueName } from './unique-name';

/**
 * Topic and consumer-group names of one test suite's own (a unique prefix), so
 * suites share a broker without seeing each other's messages. `cleanup()`
 * deletes the suite's topics.
 */
export class TestKafkaNamespace {
  readonly prefix: string;
  readonly brokers: string[];
  private readonly kafka: Kafka;

  constructor(label: string, config: Partial<KafkaConfig> = {}) {
    this.prefix = `${uniqueName(label)}.`;
    this.brokers = testInfraSettings().kafkaBrokers;
    this.kafka = new Kafka({
      clientId: this.prefix.slice(0, -1),
      brokers: this.brokers,
      logLevel: logLevel.WARN,
      ...config,
    });
  }

  /** The client for this namespace's producers, consumers and admin. */
  get client(): Kafka {
    return this.kafka;
  }

  topic(name: string): string {
    return `${this.prefix}${name}`;
  }

  groupId(name: string): string {
    return `${this.prefix}${name}`;
  }

  async createTopics(
    topics: (Omit<ITopicConfig, 'topic'> & { name: string })[],
  ): Promise<string[]> {
    const created = await this.withAdmin(async (admin) => {
      const configs = topics.map(({ name, ...rest }) => ({ topic: this.topic(name), ...rest }));
      // Not kafkajs's wait: it fails on UNKNOWN_TOPIC_OR_PARTITION, which a KRaft broker
      // answers until it has applied the new topics.
      await admin.createTopics({ topics: configs, waitForLeaders: false });
      return configs.map(({ topic }) => topic);
    });
    await this.waitForTopics(topics.map(({ name }) => name));
    return created;
  }

  /**
   * Waits until every partition of these (logical) topics has a leader the
   * broker reports, e.g. topics a service under test creates as it starts: a
   * client subscribing a moment too early gets "does not host this topic-partition".
   */
  async waitForTopics(names: string[], timeoutMs = 30_000): Promise<void> {
    const topics = names.map((name) => this.topic(name));
    await this.withAdmin(async (admin) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        try {
          const { topics: found } = await admin.fetchTopicMetadata({ topics });
          const led = found.every(
            ({ partitions }) =>
              partitions.length > 0 && partitions.every(({ leader }) => leader >= 0),
          );
          if (led && found.length === topics.length) {
            // A leader the metadata names may not serve its partition yet: its offsets tell.
            for (const topic of topics) await admin.fetchTopicOffsets(topic);
            return;
          }
        } catch (error) {
          if (Date.now() > deadline) throw error;
        }
        if (Date.now() > deadline)
          throw new Error(`topics without leaders after ${timeoutMs} ms: ${topics.join(', ')}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    });
  }

  async cleanup(): Promise<void> {
    await this.withAdmin(async (admin) => {
      const topics = (await admin.listTopics()).filter((topic) => topic.startsWith(this.prefix));
      if (topics.length > 0) await admin.deleteTopics({ topics });
    });
  }

  private async withAdmin<T>(work: (admin: Admin) => Promise<T>): Promise<T> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      return await work(admin);
    } finally {
      await admin.disconnect();
    }
  }
}
