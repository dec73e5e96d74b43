import 'reflect-metadata';
import { type INestApplication } from '@nestjs/common';
import { ReserveStockSucceededV1, ReserveStockV1, Topics } from '@shop/contracts';
import { randomUUID } from 'node:crypto';
import { MessagePublisher } from '../src';
import { startCatalogParticipant } from './support/catalog-participant';
import { eventually, MessagingTestBed } from './support/messaging-test-bed';

describe('MessagingModule (NestJS, real PostgreSQL and Kafka)', () => {
  const bed = new MessagingTestBed('messaging-module');
  let moduleRef: INestApplication;
  let prefix: string;

  beforeAll(async () => {
    await bed.setUp();
    prefix = (await bed.topicsForCase()).prefix;
    moduleRef = await startCatalogParticipant(bed, prefix);
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
