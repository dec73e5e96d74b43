import { Injectable } from '@nestjs/common';
import {
  CommitStockFailedV1,
  CommitStockSucceededV1,
  CommitStockV1,
  type DataOf,
  type ParsedMessage,
  ReleaseStockFailedV1,
  ReleaseStockSucceededV1,
  ReleaseStockV1,
  ReserveStockFailedV1,
  ReserveStockSucceededV1,
  ReserveStockV1,
} from '@shop/contracts';
import { HandlesMessage, MongoMessagePublisher, NonRetriableError } from '@shop/messaging';
import { CommitStockHandler } from '../../application/commit-stock/commit-stock.handler';
import { ReleaseStockHandler } from '../../application/release-stock/release-stock.handler';
import { ReserveStockHandler } from '../../application/reserve-stock/reserve-stock.handler';
import { ReservationMismatchError } from '../../domain/catalog.errors';

/** One reply per command: every reply shares this purpose, so a retried handler rewrites the same message. */
const REPLY = 'reply';

/**
 * The catalog's side of the CreateOrder saga: commands from catalog.commands,
 * replies to order.saga-replies. The use cases are idempotent per order; the
 * replies' ids derive from the command's, so a redelivery replies the same.
 */
@Injectable()
export class StockCommandsListener {
  constructor(
    private readonly reserveStock: ReserveStockHandler,
    private readonly releaseStock: ReleaseStockHandler,
    private readonly commitStock: CommitStockHandler,
    private readonly publisher: MongoMessagePublisher,
  ) {}

  @HandlesMessage(ReserveStockV1)
  async reserve({ envelope }: ParsedMessage): Promise<void> {
    const { orderId, items } = envelope.data as DataOf<typeof ReserveStockV1>;
    let outcome;
    try {
      outcome = await this.reserveStock.execute({ orderId, items });
    } catch (error) {
      if (error instanceof ReservationMismatchError) {
        throw new NonRetriableError(error.message, { cause: error });
      }
      throw error;
    }
    if (outcome.kind === 'reserved') {
      await this.publisher.publishCausedBy(
        envelope,
        ReserveStockSucceededV1,
        { orderId, items: outcome.lines },
        REPLY,
      );
    } else {
      await this.publisher.publishCausedBy(
        envelope,
        ReserveStockFailedV1,
        { orderId, reason: outcome.reason, shortages: outcome.shortages },
        REPLY,
      );
    }
  }

  @HandlesMessage(ReleaseStockV1)
  async release({ envelope }: ParsedMessage): Promise<void> {
    const { orderId } = envelope.data as DataOf<typeof ReleaseStockV1>;
    const outcome = await this.releaseStock.execute(orderId);
    if (outcome.kind === 'released') {
      await this.publisher.publishCausedBy(envelope, ReleaseStockSucceededV1, { orderId }, REPLY);
    } else {
      await this.publisher.publishCausedBy(
        envelope,
        ReleaseStockFailedV1,
        { orderId, reason: outcome.reason },
        REPLY,
      );
    }
  }

  @HandlesMessage(CommitStockV1)
  async commit({ envelope }: ParsedMessage): Promise<void> {
    const { orderId } = envelope.data as DataOf<typeof CommitStockV1>;
    const outcome = await this.commitStock.execute(orderId);
    if (outcome.kind === 'committed') {
      await this.publisher.publishCausedBy(envelope, CommitStockSucceededV1, { orderId }, REPLY);
    } else {
      await this.publisher.publishCausedBy(
        envelope,
        CommitStockFailedV1,
        { orderId, reason: outcome.reason },
        REPLY,
      );
    }
  }
}
