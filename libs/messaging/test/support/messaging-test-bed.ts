import {
  createMessage,
  type MessageEnvelope,
  type OutgoingMessage,
  ReserveStockV1,
  Topics,
} from '@shop/contracts';
import { TestKafkaNamespace, TestPostgresDatabase, uniqueName } from '@shop/testing';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource, type EntityManager, type MigrationInterface, type QueryRunner } from 'typeorm';
import {
  ConsumerRunner,
  type Inbox,
  type MessageHandler,
  type MessageOutcome,
  MESSAGING_MIGRATIONS,
  provisionTopics,
  TopicNames,
  TypeormInbox,
  jsonLineLogger,
} from '../../src';

/** The downstream effect the tests count: one row per applied ReserveStock. */
class CreateAppliedReservations1764201600200 implements MigrationInterface {
  name = 'CreateAppliedReservations1764201600200';
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE applied_reservations (id bigserial PRIMARY KEY, order_id uuid NOT NULL, quantity int NOT NULL)',
    );
  }
  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE applied_reservations');
  }
}

export const testLogger = jsonLineLogger('messaging-test');

/** Real PostgreSQL (with the messaging tables) and Kafka, for one test file. */
export class MessagingTestBed {
  readonly kafka: TestKafkaNamespace;
  database!: TestPostgresDatabase;
  dataSource!: DataSource;

  constructor(label: string) {
    this.kafka = new TestKafkaNamespace(label);
  }

  async setUp(): Promise<void> {
    this.database = await TestPostgresDatabase.create(this.kafka.prefix);
    this.dataSource = new DataSource({
      type: 'postgres',
      url: this.database.url,
      migrations: [...MESSAGING_MIGRATIONS, CreateAppliedReservations1764201600200],
    });
    await this.dataSource.initialize();
    await this.dataSource.runMigrations();
  }

  async tearDown(): Promise<void> {
    await this.dataSource?.destroy();
    await this.database?.drop();
    await this.kafka.cleanup();
  }

  /** Topic names of one test case of its own: `<suite prefix><case>.catalog.commands`. */
  async topicsForCase(): Promise<TopicNames> {
    const names = new TopicNames(`${this.kafka.prefix}${uniqueName('case')}.`);
    const admin = this.kafka.client.admin();
    await admin.connect();
    try {
      await provisionTopics(admin, names, [
        { name: Topics.catalogCommands, partitions: 3, replicationFactor: 1 },
        { name: Topics.orderEvents, partitions: 3, replicationFactor: 1 },
      ]);
    } finally {
      await admin.disconnect();
    }
    return names;
  }

  consumer(
    names: TopicNames,
    handler: MessageHandler<EntityManager>,
    options: {
      groupId?: string;
      maxAttempts?: number;
      backoff?: { initialDelayMs: number; maxDelayMs: number };
      topics?: string[];
      /** A consumer that handles no type at all. */
      withoutHandlers?: boolean;
      messagesConcurrently?: number;
      /** Another inbox in place of the PostgreSQL one (e.g. one whose store is "down"). */
      inbox?: Inbox<EntityManager>;
    } = {},
  ): ConsumerRunner<EntityManager> & { outcomes: MessageOutcome[] } {
    const runner = new ConsumerRunner<EntityManager>({
      kafka: this.kafka.client,
      groupId: options.groupId ?? `${names.prefix}catalog`,
      topics: options.topics ?? [Topics.catalogCommands],
      topicNames: names,
      handlers: new Map(options.withoutHandlers ? [] : [[ReserveStockV1.type, handler]]),
      inbox: options.inbox ?? new TypeormInbox(this.dataSource),
      logger: testLogger,
      maxAttempts: options.maxAttempts ?? 3,
      backoff: options.backoff ?? { initialDelayMs: 20, maxDelayMs: 100 },
      ...(options.messagesConcurrently
        ? { messagesConcurrently: options.messagesConcurrently }
        : {}),
    });
    const outcomes: MessageOutcome[] = [];
    runner.onOutcome((outcome) => outcomes.push(outcome));
    return Object.assign(runner, { outcomes });
  }

  async appliedQuantities(orderId: string): Promise<number[]> {
    const rows: { quantity: number }[] = await this.dataSource.query(
      'SELECT quantity FROM applied_reservations WHERE order_id = $1 ORDER BY id',
      [orderId],
    );
    return rows.map((row) => row.quantity);
  }
}

/** The handler under test: records the reservation in the inbox transaction. */
export const applyReservation: MessageHandler<EntityManager> = async ({ envelope }, manager) => {
  const data = envelope.data as { orderId: string; items: { quantity: number }[] };
  await manager.query('INSERT INTO applied_reservations (order_id, quantity) VALUES ($1, $2)', [
    data.orderId,
    data.items[0]?.quantity ?? 0,
  ]);
};

export function reserveStock(orderId: string, quantity = 1): OutgoingMessage {
  return createMessage(
    ReserveStockV1,
    { orderId, items: [{ productId: randomUUID(), quantity }] },
    { source: 'order', correlationId: orderId },
  );
}

export const rawValue = (envelope: MessageEnvelope): string => JSON.stringify(envelope);

/** Polls until `accept` holds; fails the test with the last value seen when it never does. */
export async function eventually<T>(
  probe: () => Promise<T> | T,
  accept: (value: T) => boolean,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (accept(value)) return value;
    if (Date.now() > deadline) {
      throw new Error(
        `condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(value)}`,
      );
    }
    await sleep(100);
  }
}
