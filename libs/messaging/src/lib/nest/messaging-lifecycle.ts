import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { Kafka, logLevel } from 'kafkajs';
import { type EntityManager } from 'typeorm';
import { ConsumerRunner } from '../consumer/consumer-runner';
import { type MessageHandler } from '../consumer/message-handler';
import { TypeormInbox } from '../inbox/typeorm-inbox';
import { TopicNames } from '../kafka/topic-names';
import { provisionTopics } from '../kafka/topic-provisioner';
import { type MessagingLogger } from '../messaging-logger';
import { OutboxRelay } from '../outbox/outbox-relay';
import { PostgresOutboxStore } from '../outbox/postgres-outbox.store';
import { HANDLES_MESSAGE } from './handles-message.decorator';
import { MESSAGING_OPTIONS, type MessagingModuleOptions } from './messaging-module-options';

/**
 * Wires the runtime into Nest's lifecycle: at bootstrap, provisions topics,
 * starts the outbox relay and the consumer with every @HandlesMessage method;
 * at shutdown, lets the message in hand finish, then stops both.
 */
@Injectable()
export class MessagingLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Messaging');
  private relay: OutboxRelay | undefined;
  private consumer: ConsumerRunner<EntityManager> | undefined;

  constructor(
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingModuleOptions,
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
    if (options.relay?.enabled !== false) {
      this.relay = new OutboxRelay({
        kafka,
        topics,
        logger,
        ...(options.relay?.pollIntervalMs ? { pollIntervalMs: options.relay.pollIntervalMs } : {}),
        store: new PostgresOutboxStore({
          connectionString: this.connectionString(),
          relayName: options.service,
          logger,
        }),
      });
      this.relay.start();
    }
    if (options.consume) {
      this.consumer = new ConsumerRunner<EntityManager>({
        kafka,
        groupId: options.consume.groupId ?? options.service,
        topics: options.consume.topics,
        topicNames: topics,
        handlers: this.discoverHandlers(),
        inbox: new TypeormInbox(options.dataSource),
        logger,
        ...(options.consume.maxAttempts ? { maxAttempts: options.consume.maxAttempts } : {}),
      });
      await this.consumer.start();
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.consumer?.stop();
    await this.relay?.stop();
  }

  private discoverHandlers(): Map<string, MessageHandler<EntityManager>> {
    const handlers = new Map<string, MessageHandler<EntityManager>>();
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
