import { Controller } from '@nestjs/common';
import {
  CommitStockFailedV1,
  CommitStockSucceededV1,
  CommitStockV1,
  type DataOf,
  ReleaseStockFailedV1,
  ReleaseStockSucceededV1,
  ReleaseStockV1,
  ReserveStockFailedV1,
  ReserveStockSucceededV1,
  ReserveStockV1,
} from '@shop/contracts';
import { NonRetriableError, OnCommand, reply, type Reply } from '@shop/messaging';
import { CommitStockHandler } from '../../application/commit-stock/commit-stock.handler';
import { ReleaseStockHandler } from '../../application/release-stock/release-stock.handler';
import { ReserveStockHandler } from '../../application/reserve-stock/reserve-stock.handler';
import { ReservationMismatchError } from '../../domain/catalog.errors';

/**
 * The catalog's side of the CreateOrder saga: commands from catalog.commands,
 * replies to order.saga-replies. The use cases are idempotent per order and
 * answer from the decision they stored, and the transport derives a reply's
 * id from its command's, so a redelivery replies the same.
 */
@Controller()
export class StockCommandsListener {
  constructor(
    private readonly reserveStock: ReserveStockHandler,
    private readonly releaseStock: ReleaseStockHandler,
    private readonly commitStock: CommitStockHandler,
  ) {}

  @OnCommand(ReserveStockV1)
  async reserve({ orderId, items }: DataOf<typeof ReserveStockV1>): Promise<Reply> {
    let outcome;
    try {
      outcome = await this.reserveStock.execute({ orderId, items });
    } catch (error) {
      // The same order with other lines: no answer can be right, so it is parked for a person.
      if (error instanceof ReservationMismatchError) {
        throw new NonRetriableError(error.message, { cause: error });
      }
      throw error;
    }
    return outcome.kind === 'reserved'
      ? reply(ReserveStockSucceededV1, { orderId, items: outcome.lines })
      : reply(ReserveStockFailedV1, {
          orderId,
          reason: outcome.reason,
          shortages: outcome.shortages,
        });
  }

  @OnCommand(ReleaseStockV1)
  async release({ orderId }: DataOf<typeof ReleaseStockV1>): Promise<Reply> {
    const outcome = await this.releaseStock.execute(orderId);
    return outcome.kind === 'released'
      ? reply(ReleaseStockSucceededV1, { orderId })
      : reply(ReleaseStockFailedV1, { orderId, reason: outcome.reason });
  }

  @OnCommand(CommitStockV1)
  async commit({ orderId }: DataOf<typeof CommitStockV1>): Promise<Reply> {
    const outcome = await this.commitStock.execute(orderId);
    return outcome.kind === 'committed'
      ? reply(CommitStockSucceededV1, { orderId })
      : reply(CommitStockFailedV1, { orderId, reason: outcome.reason });
  }
}
