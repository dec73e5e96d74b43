import { Injectable, type ModuleMetadata } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import {
  type DataOf,
  type ParsedMessage,
  ReserveStockSucceededV1,
  ReserveStockV1,
  Topics,
} from '@shop/contracts';
import { type EntityManager } from 'typeorm';
import { HandlesMessage, MessagePublisher, MessagingModule } from '../../src';
import { applyReservation, type MessagingTestBed } from './messaging-test-bed';

/** How a service declares a handler: a provider method, inside the inbox transaction. */
@Injectable()
export class StockReservationHandlers {
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

/**
 * A catalog-like participant as a Nest module on the bed's database and
 * broker: consumes catalog.commands, replies on order.saga-replies.
 */
export async function startCatalogParticipant(
  bed: MessagingTestBed,
  prefix: string,
  imports: ModuleMetadata['imports'] = [],
): Promise<TestingModule> {
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
    providers: [StockReservationHandlers],
  }).compile();
  await moduleRef.init();
  return moduleRef;
}
