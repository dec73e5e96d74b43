import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  Optional,
} from '@nestjs/common';
import {
  type CustomTransportStrategy,
  type MessageHandler as NestMessageHandler,
  Server,
} from '@nestjs/microservices';
import {
  createMessage,
  type MessageDefinition,
  type MessageEnvelope,
  type ParsedMessage,
} from '@shop/contracts';
import { type Admin, Kafka, logLevel } from 'kafkajs';
import { Registry } from 'prom-client';
import { lastValueFrom } from 'rxjs';
import { type EntityManager } from 'typeorm';
import { causedBy } from '../consumer/caused-by';
import { ConsumerRunner } from '../consumer/consumer-runner';
import { type MessageHandler } from '../consumer/message-handler';
import { NonRetriableError } from '../consumer/non-retriable.error';
import { type Inbox } from '../inbox/inbox';
import { TypeormInbox } from '../inbox/typeorm-inbox';
import { TopicNames } from '../kafka/topic-names';
import { provisionTopics } from '../kafka/topic-provisioner';
import { type MessagingLogger } from '../messaging-logger';
import { MongoInbox } from '../mongo/mongo-inbox';
import { MongoOutboxStore } from '../mongo/mongo-outbox.store';
import { type MongoOutboxDocument, OUTBOX_COLLECTION } from '../mongo/mongo-outbox.writer';
import {
  type OutboxBacklog,
  registerConsumerLagGauge,
  registerOutboxGauges,
} from '../observability/messaging-gauges';
import { ConsumerMetrics } from '../observability/messaging-metrics';
import { type OutboxStore } from '../outbox/outbox-record';
import { OutboxRelay } from '../outbox/outbox-relay';
import { PostgresOutboxStore } from '../outbox/postgres-outbox.store';
import { TypeormOutboxWriter } from '../outbox/typeorm-outbox.writer';
import { type CausedMessageSender, InboxContext } from './inbox-context';
import { COMMAND_EXTRA, REFUSAL_EXTRA, type RefusalMapper } from './message-handler.decorators';
import { MESSAGING_OPTIONS, type MessagingModuleOptions } from './messaging-module-options';
import { MongoMessagePublisher } from './mongo-message-publisher';
import { isReply, type Reply } from './reply';

/** The inbox's transaction: an EntityManager on PostgreSQL, the Db on MongoDB. */
type StoreTransaction = unknown;

/** Every reply of a command shares this purpose: a retried handler rewrites the same reply (MongoDB). */
const REPLY_PURPOSE = 'reply';

/** What readiness reports of the consumer; `joining` serves HTTP while the group lets it in. */
export type ConsumerState = 'none' | 'joining' | 'joined';

/**
 * The service's Kafka side as a Nest microservice transport (a hybrid app
 * connects it with `connectMessaging(app)`): handlers are the controllers'
 * methods marked `@OnMessage` / `@OnCommand`, registered by Nest like any
 * `@EventPattern`.
 *
 * `listen()` provisions the service's topics, starts the outbox relay (one
 * active per service: an advisory lock on PostgreSQL, a lease on MongoDB) and
 * the consumer, and returns without waiting for the consumer group: HTTP is
 * up while the group admits the member. Each message runs through the inbox
 * (effects, outgoing messages and the "processed" record commit together on
 * PostgreSQL), with retries and backoff, and lands on its dead-letter topic
 * with the reason when it cannot succeed. A command handler's reply goes to
 * the outbox in the same transaction.
 */
@Injectable()
export class MessagingTransport
  extends Server
  implements CustomTransportStrategy, BeforeApplicationShutdown
{
  private readonly log = new Logger('Messaging');
  private readonly postgresWriter = new TypeormOutboxWriter();
  private relay: OutboxRelay | undefined;
  private consumer: ConsumerRunner<StoreTransaction> | undefined;
  private kafka: Kafka | undefined;
  private admin: Promise<Admin> | undefined;
  private closing: Promise<void> | undefined;

  constructor(
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingModuleOptions,
    private readonly mongoPublisher: MongoMessagePublisher,
    // Present when the app has /metrics (MetricsModule): the outbox, consumer lag and DLQ metrics go there.
    @Optional() private readonly registry?: Registry,
  ) {
    super();
  }

  /** Nest calls this from `app.startAllMicroservices()`. */
  listen(callback: (error?: unknown) => void): void {
    this.start().then(
      () => callback(),
      (error: unknown) => callback(error),
    );
  }

  /** Lets the message in hand finish, then leaves the group and stops the relay. Idempotent. */
  close(): Promise<void> {
    this.closing ??= this.stop();
    return this.closing;
  }

  /** Before the app's providers (its DataSource among them) are torn down. */
  beforeApplicationShutdown(): Promise<void> {
    return this.close();
  }

  on(): never {
    throw new Error('MessagingTransport has no events to listen to: see consumerState()');
  }

  unwrap<T>(): T {
    if (!this.kafka) throw new Error('messaging has not started');
    return this.kafka as T;
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

  consumerState(): ConsumerState {
    if (!this.consumer) return 'none';
    return this.consumer.status().joined ? 'joined' : 'joining';
  }

  private async start(): Promise<void> {
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
    if (options.provisionTopics?.length) await this.provision(kafka, topics);
    if (options.mongo) await MongoOutboxStore.ensureIndexes(options.mongo.db);
    // Closed while starting (a shutdown during provisioning): start nothing that nobody stops.
    if (this.closing) return;
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
      this.consumer = new ConsumerRunner<StoreTransaction>({
        kafka,
        groupId,
        ...(this.registry ? { metrics: new ConsumerMetrics(this.registry) } : {}),
        topics: options.consume.topics,
        topicNames: topics,
        handlers: this.handlersByType(),
        inbox: this.inbox(),
        logger,
        ...(options.consume.maxAttempts ? { maxAttempts: options.consume.maxAttempts } : {}),
        ...(options.consume.sessionTimeoutMs
          ? { sessionTimeoutMs: options.consume.sessionTimeoutMs }
          : {}),
        ...(options.consume.partitionsConcurrently
          ? { partitionsConcurrently: options.consume.partitionsConcurrently }
          : {}),
        ...(options.consume.messagesConcurrently
          ? { messagesConcurrently: options.consume.messagesConcurrently }
          : {}),
      });
      await this.consumer.start({ waitForGroup: false });
      // close() may have run while it subscribed: it stopped a consumer that had not started yet.
      if (this.closing) await this.consumer.stop();
    }
  }

  private async stop(): Promise<void> {
    await this.consumer?.stop();
    await this.relay?.stop();
    const admin = this.admin;
    this.admin = undefined;
    await admin?.then((connected) => connected.disconnect()).catch(() => undefined);
  }

  private async provision(kafka: Kafka, topics: TopicNames): Promise<void> {
    const admin = kafka.admin();
    await admin.connect();
    try {
      const { created, mismatched } = await provisionTopics(
        admin,
        topics,
        this.options.provisionTopics ?? [],
      );
      if (created.length > 0) this.log.log(`created topics ${created.join(', ')}`);
      for (const { topic, partitions, wanted } of mismatched) {
        this.log.warn(
          `topic ${topic} has ${partitions} partitions, configured ${wanted}: left unchanged`,
        );
      }
    } finally {
      await admin.disconnect();
    }
  }

  /** The handlers Nest registered (one per message type), as the consumer calls them. */
  private handlersByType(): Map<string, MessageHandler<StoreTransaction>> {
    const handlers = new Map<string, MessageHandler<StoreTransaction>>();
    for (const [type, handler] of this.getHandlers()) {
      if (handler.next) throw new Error(`two handlers for ${type}: one message type, one handler`);
      handlers.set(type, (message, transaction) => this.invoke(handler, message, transaction));
    }
    if (handlers.size === 0) {
      // Nest looks for @EventPattern methods on controllers only: a handler on a provider is never found.
      throw new Error(
        `${this.options.service} consumes ${this.options.consume?.topics.join(', ')} but has no handlers: ` +
          "mark methods of a controller (listed in a module's `controllers`) with @OnMessage or @OnCommand",
      );
    }
    this.log.log(`handlers: ${[...handlers.keys()].join(', ')}`);
    return handlers;
  }

  /**
   * Runs the handler of `message` in `transaction` as the consumer does, its
   * reply included, but without the inbox and Kafka: for tests that drive a
   * handler under conditions Kafka would not produce (concurrent duplicates).
   */
  async dispatch(message: ParsedMessage, transaction: StoreTransaction): Promise<void> {
    const handler = this.getHandlerByPattern(message.envelope.type);
    if (!handler) throw new Error(`no handler for ${message.envelope.type}`);
    await this.invoke(handler, message, transaction);
  }

  private async invoke(
    handler: NestMessageHandler,
    { envelope }: ParsedMessage,
    transaction: StoreTransaction,
  ): Promise<void> {
    const send = this.senderFor(envelope, transaction);
    const context = new InboxContext([envelope, transaction, send]);
    let result: unknown;
    try {
      result = await lastValueFrom(
        this.transformToObservable(await handler(envelope.data, context)),
        { defaultValue: undefined },
      );
    } catch (error) {
      const refusal = handler.extras?.[REFUSAL_EXTRA] as RefusalMapper<unknown> | undefined;
      const refused = refusal?.(error, envelope.data);
      if (!refused) throw error;
      result = refused;
    }
    // A handler that breaks its own contract fails the same way every time: no retries.
    if (handler.extras?.[COMMAND_EXTRA]) {
      if (!isReply(result)) {
        throw new NonRetriableError(`the handler of ${envelope.type} returned no reply`);
      }
      await this.sendReply(send, result);
    } else if (result !== undefined) {
      throw new NonRetriableError(
        `the handler of ${envelope.type} returned a value; only command handlers reply`,
      );
    }
  }

  private sendReply(send: CausedMessageSender, answer: Reply): Promise<MessageEnvelope> {
    return send(answer.definition, answer.data, REPLY_PURPOSE);
  }

  /** How messages caused by `cause` reach the outbox: in its transaction, or with derived ids. */
  private senderFor(cause: MessageEnvelope, transaction: StoreTransaction): CausedMessageSender {
    const source = this.options.service;
    if (this.options.mongo) {
      return <TData>(definition: MessageDefinition<string, TData>, data: TData, purpose: string) =>
        this.mongoPublisher.publishCausedBy(cause, definition, data, purpose);
    }
    return async <TData>(definition: MessageDefinition<string, TData>, data: TData) => {
      const message = createMessage(definition, data, causedBy(cause, source));
      await this.postgresWriter.append(transaction as EntityManager, message);
      return message.envelope;
    };
  }

  /** One admin connection for health checks and lag readings, opened on first use. */
  private connectedAdmin(): Promise<Admin> {
    if (!this.kafka) return Promise.reject(new Error('messaging has not started'));
    if (this.closing) return Promise.reject(new Error('messaging is shutting down'));
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
      const outbox = options.mongo.db.collection<MongoOutboxDocument>(OUTBOX_COLLECTION);
      const [messages, oldest] = await Promise.all([
        outbox.countDocuments({ pending: true }),
        outbox.findOne({ pending: true }, { sort: { createdAt: 1 }, projection: { createdAt: 1 } }),
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

  private inbox(): Inbox<StoreTransaction> {
    const { options } = this;
    return (
      options.mongo ? new MongoInbox(options.mongo.db) : new TypeormInbox(options.dataSource)
    ) as Inbox<StoreTransaction>;
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
      log: (message, context) => this.log.log({ msg: message, ...context }),
      warn: (message, context) => this.log.warn({ msg: message, ...context }),
      error: (message, context) => this.log.error({ msg: message, ...context }),
    };
  }
}
