import 'reflect-metadata';
import { type INestApplication, Controller } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { type DataOf, ReserveStockSucceededV1, ReserveStockV1, Topics } from '@shop/contracts';
import { TestKafkaNamespace, TestMongoDatabase } from '@shop/testing';
import { type Db, MongoClient } from 'mongodb';
import { randomUUID } from 'node:crypto';
import {
  type InboxContext,
  MessagingModule,
  MongoMessagePublisher,
  OnCommand,
  OUTBOX_COLLECTION,
  reply,
  type Reply,
} from '../src';
import { startMessagingApp } from './support/catalog-participant';
import { eventually } from './support/messaging-test-bed';

/** A handler on MongoDB: an idempotent single-document effect, then a reply with a derived id. */
@Controller()
class StockReservationHandlers {
  attempts = 0;

  @OnCommand(ReserveStockV1)
  async reserve(command: DataOf<typeof ReserveStockV1>, context: InboxContext<Db>): Promise<Reply> {
    this.attempts += 1;
    await context.transaction
      .collection<{ _id: string; items: unknown }>('reservations')
      .updateOne(
        { _id: command.orderId },
        { $setOnInsert: { items: command.items } },
        { upsert: true },
      );
    const answer = reply(ReserveStockSucceededV1, {
      orderId: command.orderId,
      items: command.items,
    });
    // The first attempt "crashes" after its effects and its reply: the retry must converge, not duplicate.
    if (this.attempts === 1) {
      await context.publish(answer.definition, answer.data, 'reply');
      throw new Error('crashed after writing the reply');
    }
    return answer;
  }
}

describe(`MessagingModule on MongoDB (NestJS, real ${process.env['MONGODB_SERVER']} and Kafka)`, () => {
  const kafka = new TestKafkaNamespace('messaging-module-mongo');
  let database: TestMongoDatabase;
  let client: MongoClient;
  let db: Db;
  let moduleRef: INestApplication;

  beforeAll(async () => {
    database = TestMongoDatabase.create('messaging-module-mongo');
    client = await MongoClient.connect(database.url);
    db = client.db(database.name);
    const testingModule = await Test.createTestingModule({
      imports: [
        MessagingModule.forRootAsync({
          useFactory: () => ({
            service: 'catalog',
            brokers: kafka.brokers,
            topicPrefix: kafka.prefix,
            mongo: { db },
            provisionTopics: [
              { name: Topics.catalogCommands, partitions: 3, replicationFactor: 1 },
              { name: Topics.orderSagaReplies, partitions: 3, replicationFactor: 1 },
            ],
            consume: { topics: [Topics.catalogCommands], maxAttempts: 3 },
            relay: { pollIntervalMs: 200 },
          }),
        }),
      ],
      controllers: [StockReservationHandlers],
    }).compile();
    moduleRef = await startMessagingApp(testingModule);
  });

  afterAll(async () => {
    await moduleRef?.close();
    await database?.drop();
    await client?.close();
    await kafka.cleanup();
  });

  it('runs a command through the Mongo outbox, relay and handler, and replies once after a retry', async () => {
    const publisher = moduleRef.get(MongoMessagePublisher);
    const orderId = randomUUID();
    const items = [{ productId: randomUUID(), quantity: 2 }];
    const command = await publisher.publish(
      ReserveStockV1,
      { orderId, items },
      { correlationId: orderId },
    );

    const replies: Record<string, unknown>[] = [];
    const reader = kafka.client.consumer({ groupId: kafka.groupId('order-saga') });
    await reader.connect();
    await reader.subscribe({ topic: kafka.topic(Topics.orderSagaReplies), fromBeginning: true });
    await reader.run({
      eachMessage: async ({ message }) => {
        replies.push(JSON.parse(message.value?.toString() ?? '{}'));
      },
    });
    // The first attempt wrote its reply before "crashing": the relay may publish it before the
    // retry runs, so wait for both.
    const handlers = moduleRef.get(StockReservationHandlers);
    await eventually(
      () => ({ seen: replies.length, attempts: handlers.attempts }),
      ({ seen, attempts }) => seen >= 1 && attempts >= 2,
    );
    await reader.disconnect();

    expect(moduleRef.get(StockReservationHandlers).attempts).toBe(2);
    expect(replies).toEqual([
      expect.objectContaining({
        type: ReserveStockSucceededV1.type,
        source: 'catalog',
        correlationId: orderId,
        causationId: command.id,
        data: { orderId, items },
      }),
    ]);
    expect(
      await db.collection(OUTBOX_COLLECTION).countDocuments({ type: ReserveStockSucceededV1.type }),
    ).toBe(1);
  });
});
