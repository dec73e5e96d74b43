import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  Optional,
} from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { type Admin, Kafka, logLevel } from 'kafkajs';
import { Registry } from 'prom-client';
import { ConsumerRunner } from '../consumer/consumer-runner';
import { type MessageHandler } from '../consumer/message-handler';
import { type Inbox } from '../inbox/inbox';
import { TypeormInbox } from '../inbox/typeorm-inbox';
import { TopicNames } from '../kafka/topic-names';
import { provisionTopics } from '../kafka/topic-provisioner';
import { type MessagingLogger } from '../messaging-logger';
import { MongoInbox } from '../mongo/mongo-inbox';
import { MongoOutboxStore } from '../mongo/mongo-outbox.store';
import { type OutboxStore } from '../outbox/outbox-record';
import { OutboxRelay } from '../outbox/outbox-relay';
import {
  type OutboxBacklog,
  registerConsumerLagGauge,
  registerOutboxGauges,
} from '../observability/messaging-gauges';
import { ConsumerMetrics } from '../observability/messaging-metrics';
import { OUTBOX_COLLECTION } from '../mongo/mongo-outbox.writer';
import { PostgresOutboxStore } from '../outbox/postgres-outbox.store';
import { HANDLES_MESSAGE } from './handles-message.decorator';
import { MESSAGING_OPTIONS, type MessagingModuleOptions } from './messaging-module-options';
import { MongoMessagePublisher } from './mongo-message-publisher';

/** The inbox's transaction: an EntityManager on PostgreSQL, the Db on MongoDB. */
type HandlerTransaction = unknown;

/**
 * Wires the runtime into Nest's lifecycle: at bootstrap, provisions topics,
 * starts the outbox relay and the consumer with every @HandlesMessage method;
 * at shutdown, lets the message in hand finish, then stops both.
 */
@Injectable()
export class MessagingLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Messaging');
  private relay: OutboxRelay | undefined;
  private consumer: ConsumerRunner<HandlerTransaction> | undefined;
  private kafka: Kafka | undefined;
  private admin: Promise<Admin> | undefined;
  private closed = false;

  constructor(
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingModuleOptions,
    private readonly mongoPublisher: MongoMessagePublisher,
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
    // Present when the app has /metrics (MetricsModule): the outbox, consumer lag and DLQ metrics go there.
    @Optional() private readonly registry?: Registry,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { options } = this;
    const kafka = new Kafka({
      clientId: options.service,
      brokers: options.brokers,
      logLevel: logLevel.WARN,
    });
    this.kafka = kafka;
    const topics = new TopicNames(options.topicPrefix ?? '');
    if (this.registry) registerOutboxGauges(this.registry, () => this.outboxBacklog());
    const logger = this.messagingLogger();
    if (options.provisionTopics?.length) {
      const admin = kafka.admin();
      await admin.connect();
      try {
        const { created, mismatched } = await provisionTopics(
          admin,
          topics,
          options.provisionTopics,
        );
        if (created.length > 0) this.logger.log(`created topics ${created.join(', ')}`);
        for (const { topic, partitions, wanted } of mismatched) {
          this.logger.warn(
            `topic ${topic} has ${partitions} partitions, configured ${wanted}: left unchanged`,
          );
        }
      } finally {
        await admin.disconnect();
      }
    }
    if (options.mongo) await MongoOutboxStore.ensureIndexes(options.mongo.db);
    if (options.relay?.enabled !== false) {
      this.relay = new OutboxRelay({
        kafka,
        topics,
        logger,
        ...(options.relay?.pollIntervalMs ? { pollIntervalMs: options.relay.pollIntervalMs } : {}),
        store: this.outboxStore(logger),
      });
      this.relay.start();
    }
    if (options.consume) {
      // The prefix names the group too: services sharing a broker under different prefixes
      // (tests, tenants) must never join one group and rebalance each other.
      const groupId = topics.physical(options.consume.groupId ?? options.service);
      if (this.registry) {
        registerConsumerLagGauge(this.registry, {
          admin: () => this.connectedAdmin(),
          groupId,
          topics: options.consume.topics,
          names: topics,
        });
      }
      this.consumer = new ConsumerRunner<HandlerTransaction>({
        kafka,
        groupId,
        ...(this.registry ? { metrics: new ConsumerMetrics(this.registry) } : {}),
        topics: options.consume.topics,
        topicNames: topics,
        handlers: this.discoverHandlers(),
        inbox: this.inbox(),
        logger,
        ...(options.consume.maxAttempts ? { maxAttempts: options.consume.maxAttempts } : {}),
        ...(options.consume.sessionTimeoutMs
          ? { sessionTimeoutMs: options.consume.sessionTimeoutMs }
          : {}),
      });
      await this.consumer.start();
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    // A probe or a scrape arriving during the shutdown must not open a new admin connection.
    this.closed = true;
    await this.consumer?.stop();
    await this.relay?.stop();
    const admin = this.admin;
    this.admin = undefined;
    await admin?.then((connected) => connected.disconnect()).catch(() => undefined);
  }

  /**
   * For readiness: the consumer has not given up, and the brokers answer a
   * metadata request. Throws what is wrong.
   */
  async checkKafka(): Promise<void> {
    const crashed = this.consumer?.status().crashed;
    if (crashed) throw new Error(`consumer stopped: ${crashed}`);
    const connecting = this.connectedAdmin();
    const admin = await connecting;
    try {
      await admin.describeCluster();
    } catch (error) {
      // A fresh connection next time: this one may be dead (unless another call replaced it).
      if (this.admin === connecting) this.admin = undefined;
      await admin.disconnect().catch(() => undefined);
      throw error;
    }
  }

  /** One admin connection for health checks and lag readings, opened on first use. */
  private connectedAdmin(): Promise<Admin> {
    if (!this.kafka) return Promise.reject(new Error('messaging has not started'));
    if (this.closed) return Promise.reject(new Error('messaging is shutting down'));
    if (!this.admin) {
      // No retries: a health check or a scrape wants the answer now, and asks again soon.
      const admin = this.kafka.admin({ retry: { retries: 0 } });
      this.admin = admin.connect().then(
        () => admin,
        (error: unknown) => {
          this.admin = undefined;
          throw error;
        },
      );
    }
    return this.admin;
  }

  private async outboxBacklog(): Promise<OutboxBacklog> {
    const { options } = this;
    if (options.mongo) {
      const outbox = options.mongo.db.collection<{ createdAt: Date; sentAt: Date | null }>(
        OUTBOX_COLLECTION,
      );
      const [messages, oldest] = await Promise.all([
        outbox.countDocuments({ sentAt: null }),
        outbox.findOne({ sentAt: null }, { sort: { createdAt: 1 }, projection: { createdAt: 1 } }),
      ]);
      return { messages, oldestCreatedAt: oldest?.createdAt ?? null };
    }
    const [row] = (await options.dataSource.query(
      'SELECT count(*)::int AS messages, min(created_at) AS oldest FROM outbox_messages WHERE sent_at IS NULL',
    )) as { messages: number; oldest: Date | null }[];
    return { messages: row?.messages ?? 0, oldestCreatedAt: row?.oldest ?? null };
  }

  private outboxStore(logger: MessagingLogger): OutboxStore {
    const { options } = this;
    if (options.mongo) {
      return new MongoOutboxStore(options.mongo.db, {
        relayName: options.service,
        writer: this.mongoPublisher.writer,
      });
    }
    return new PostgresOutboxStore({
      connectionString: this.connectionString(),
      relayName: options.service,
      logger,
    });
  }

  private inbox(): Inbox<HandlerTransaction> {
    const { options } = this;
    return (
      options.mongo ? new MongoInbox(options.mongo.db) : new TypeormInbox(options.dataSource)
    ) as Inbox<HandlerTransaction>;
  }

  private discoverHandlers(): Map<string, MessageHandler<HandlerTransaction>> {
    const handlers = new Map<string, MessageHandler<HandlerTransaction>>();
    for (const wrapper of this.discovery.getProviders()) {
      const instance: unknown = wrapper.instance;
      if (!instance || typeof instance !== 'object') continue;
      const prototype = Object.getPrototypeOf(instance) as object;
      for (const name of this.scanner.getAllMethodNames(prototype)) {
        const method = (instance as Record<string, unknown>)[name];
        if (typeof method !== 'function') continue;
        const type = this.reflector.get<string | undefined>(HANDLES_MESSAGE, method);
        if (!type) continue;
        if (handlers.has(type)) throw new Error(`two @HandlesMessage methods for ${type}`);
        handlers.set(type, (message, manager) => method.call(instance, message, manager));
      }
    }
    this.logger.log(`handlers: ${[...handlers.keys()].join(', ') || 'none'}`);
    return handlers;
  }

  private connectionString(): string {
    if (!this.options.dataSource) throw new Error('MessagingModule needs `dataSource` or `mongo`');
    const { options } = this.options.dataSource;
    if (options.type !== 'postgres' || !options.url) {
      throw new Error('MessagingModule needs a PostgreSQL DataSource configured with `url`');
    }
    return options.url;
  }

  /** Structured: with pino (ObservabilityModule), the context's fields become the line's fields. */
  private messagingLogger(): MessagingLogger {
    return {
      log: (message, context) => this.logger.log({ msg: message, ...context }),
      warn: (message, context) => this.logger.warn({ msg: message, ...context }),
      error: (message, context) => this.logger.error({ msg: message, ...context }),
    };
  }
}
