import { type INestApplication, Controller, type ModuleMetadata } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { type DataOf, ReserveStockSucceededV1, ReserveStockV1, Topics } from '@shop/contracts';
import { type EntityManager } from 'typeorm';
import {
  connectMessaging,
  type InboxContext,
  MessagingModule,
  OnCommand,
  reply,
  type Reply,
} from '../../src';
import { applyReservation, type MessagingTestBed } from './messaging-test-bed';

/** How a participant declares a command handler: typed command in, reply out, in the inbox transaction. */
@Controller()
export class StockReservationHandlers {
  @OnCommand(ReserveStockV1)
  async reserve(
    command: DataOf<typeof ReserveStockV1>,
    context: InboxContext<EntityManager>,
  ): Promise<Reply> {
    await applyReservation(
      { envelope: context.envelope, definition: ReserveStockV1 },
      context.transaction,
    );
    return reply(ReserveStockSucceededV1, { orderId: command.orderId, items: command.items });
  }
}

/**
 * A hybrid app of `moduleRef` with the messaging transport started, as
 * bootstrapService starts a service (without an HTTP listener).
 */
export async function startMessagingApp(moduleRef: TestingModule): Promise<INestApplication> {
  const app = moduleRef.createNestApplication({ logger: false });
  connectMessaging(app);
  await app.init();
  await app.startAllMicroservices();
  return app;
}

/**
 * A catalog-like participant as a Nest module on the bed's database and
 * broker: consumes catalog.commands, replies on order.saga-replies.
 */
export async function startCatalogParticipant(
  bed: MessagingTestBed,
  prefix: string,
  imports: ModuleMetadata['imports'] = [],
): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({
    imports: [
      ...imports,
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
    controllers: [StockReservationHandlers],
  }).compile();
  return startMessagingApp(moduleRef);
}
