import 'reflect-metadata';
import { Injectable } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import {
  type DataOf,
  type ParsedMessage,
  ReserveStockSucceededV1,
  ReserveStockV1,
  Topics,
} from '@shop/contracts';
import { randomUUID } from 'node:crypto';
import { type EntityManager } from 'typeorm';
import { HandlesMessage, MessagePublisher, MessagingModule } from '../src';
import { applyReservation, eventually, MessagingTestBed } from './support/messaging-test-bed';

/** How a service declares a handler: a provider method, inside the inbox transaction. */
@Injectable()
class StockReservationHandlers {
  constructor(private readonly publisher: MessagePublisher) {}

  @HandlesMessage(ReserveStockV1)
  async reserve(message: ParsedMessage, manager: EntityManager): Promise<void> {
    const command = message.envelope.data as DataOf<typeof ReserveStockV1>;
    await applyReservation(message, manager);
    await this.publisher.publishCausedBy(manager, message.envelope, ReserveStockSucceededV1, {
      orderId: command.orderId,
      items: command.items,
    });
  }
}

describe('MessagingModule (NestJS, real PostgreSQL and Kafka)', () => {
  const bed = new MessagingTestBed('messaging-module');
  let moduleRef: TestingModule;
  let prefix: string;

  beforeAll(async () => {
    await bed.setUp();
    prefix = (await bed.topicsForCase()).prefix;
    moduleRef = await Test.createTestingModule({
      imports: [
        MessagingModule.forRootAsync({
          useFactory: () => ({
            service: 'catalog',
            brokers: bed.kafka.brokers,
            topicPrefix: prefix,
            dataSource: bed.dataSource,
            provisionTopics: [
              { name: Topics.catalogCommands, partitions: 3, replicationFactor: 1 },
              { name: Topics.orderSagaReplies, partitions: 3, replicationFactor: 1 },
            ],
            consume: { topics: [Topics.catalogCommands] },
            relay: { pollIntervalMs: 200 },
          }),
        }),
      ],
      providers: [StockReservationHandlers],
    }).compile();
    await moduleRef.init();
  });

  afterAll(async () => {
    await moduleRef?.close();
    await bed.tearDown();
  });

  it('runs a command through outbox, relay, inbox handler and back as a reply caused by it', async () => {
    const publisher = moduleRef.get(MessagePublisher);
    const orderId = randomUUID();
    const items = [{ productId: randomUUID(), quantity: 6 }];
    const command = await bed.dataSource.transaction((manager) =>
      publisher.publish(manager, ReserveStockV1, { orderId, items }, { correlationId: orderId }),
    );

    const replies: { key: string; value: Record<string, unknown> }[] = [];
    const reader = bed.kafka.client.consumer({ groupId: `${prefix}order-saga` });
    await reader.connect();
    await reader.subscribe({ topic: `${prefix}${Topics.orderSagaReplies}`, fromBeginning: true });
    await reader.run({
      eachMessage: async ({ message }) => {
        replies.push({
          key: message.key?.toString() ?? '',
          value: JSON.parse(message.value?.toString() ?? '{}'),
        });
      },
    });
    await eventually(
      () => replies,
      (seen) => seen.length >= 1,
    );
    await reader.disconnect();

    expect(await bed.appliedQuantities(orderId)).toEqual([6]);
    expect(replies).toEqual([
      {
        key: orderId,
        value: expect.objectContaining({
          type: ReserveStockSucceededV1.type,
          source: 'catalog',
          correlationId: orderId,
          causationId: command.id,
          data: { orderId, items },
        }),
      },
    ]);
  });
});
