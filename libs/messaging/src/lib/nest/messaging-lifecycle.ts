import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { Kafka, logLevel } from 'kafkajs';
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

  constructor(
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingModuleOptions,
    private readonly mongoPublisher: MongoMessagePublisher,
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { options } = this;
    const kafka = new Kafka({
      clientId: options.service,
      brokers: options.brokers,
      logLevel: logLevel.WARN,
    });
    const topics = new TopicNames(options.topicPrefix ?? '');
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
      this.consumer = new ConsumerRunner<HandlerTransaction>({
        kafka,
        // The prefix names the group too: services sharing a broker under different prefixes
        // (tests, tenants) must never join one group and rebalance each other.
        groupId: topics.physical(options.consume.groupId ?? options.service),
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
    await this.consumer?.stop();
    await this.relay?.stop();
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

  private messagingLogger(): MessagingLogger {
    return {
      log: (message, context) =>
        this.logger.log(context ? `${message} ${JSON.stringify(context)}` : message),
      warn: (message, context) =>
        this.logger.warn(context ? `${message} ${JSON.stringify(context)}` : message),
      error: (message, context) =>
        this.logger.error(context ? `${message} ${JSON.stringify(context)}` : message),
    };
  }
}
