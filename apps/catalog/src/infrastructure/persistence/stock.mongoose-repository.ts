import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { createMessage, StockLowV1 } from '@shop/contracts';
import { type Model } from 'mongoose';
import { isStockLow } from '../../domain/product';
import { ProductDocument } from './product.schema';
import { ProductWritesSerializer } from './product-writes.serializer';

/** A product's stock as a write left it: what the low-stock latch is decided on. */
export interface StockLevel {
  available: number;
  lowStockThreshold: number;
  lowStockAlerted: boolean;
  deletedAt?: Date | null;
}

export type ReserveLineResult =
  | { kind: 'reserved'; level: StockLevel }
  | { kind: 'already-reserved' }
  | { kind: 'short'; available: number };

/**
 * Stock movements, each one conditional single-document update that carries
 * the order id (`reservations.<orderId>`), so that applying it twice changes
 * nothing and concurrent orders cannot take the same unit (on real MongoDB
 * the update is atomic; on FerretDB the serializer makes it so).
 */
@Injectable()
export class StockMongooseRepository {
  constructor(
    @InjectModel(ProductDocument.name) private readonly products: Model<ProductDocument>,
    private readonly serializer: ProductWritesSerializer,
  ) {}

  /** Takes `quantity` from `available` for the order, unless it holds this product already. */
  async reserveLine(
    productId: string,
    orderId: string,
    quantity: number,
  ): Promise<ReserveLineResult> {
    const key = reservationKey(orderId);
    return this.serializer.run(productId, async () => {
      const now = new Date();
      // The document as updated comes back with the answer: the low-stock check needs no read.
      const updated = await this.products
        .findOneAndUpdate(
          {
            _id: productId,
            deletedAt: null,
            available: { $gte: quantity },
            [key]: { $exists: false },
          },
          {
            $inc: { available: -quantity, reserved: quantity },
            $set: { [key]: { quantity, reservedAt: now }, updatedAt: now },
          },
          // No projection: FerretDB v1 does not implement findAndModify's `fields`.
          { returnDocument: 'after' },
        )
        .lean();
      if (updated) return { kind: 'reserved', level: levelOf(updated) };
      if (await this.products.exists({ _id: productId, [key]: { $exists: true } })) {
        return { kind: 'already-reserved' };
      }
      const product = await this.products
        .findOne({ _id: productId, deletedAt: null }, { available: 1 })
        .lean();
      return { kind: 'short', available: product?.available ?? 0 };
    });
  }

  /**
   * Gives the order's hold back to `available`; a no-op when it holds nothing
   * here. Returns the stock as the release left it, undefined after a no-op.
   */
  async releaseLine(
    productId: string,
    orderId: string,
    quantity: number,
  ): Promise<StockLevel | undefined> {
    const key = reservationKey(orderId);
    return this.serializer.run(productId, async () => {
      const updated = await this.products
        .findOneAndUpdate(
          { _id: productId, [key]: { $exists: true } },
          {
            $inc: { available: quantity, reserved: -quantity },
            $unset: { [key]: '' },
            $set: { updatedAt: new Date() },
          },
          { returnDocument: 'after' },
        )
        .lean();
      return updated ? levelOf(updated) : undefined;
    });
  }

  /** Turns the order's hold into a sale (`available` does not move); a no-op when it holds nothing here. */
  async commitLine(productId: string, orderId: string, quantity: number): Promise<boolean> {
    const key = reservationKey(orderId);
    return this.serializer.run(productId, async () => {
      const result = await this.products.updateOne(
        { _id: productId, [key]: { $exists: true } },
        {
          $inc: { reserved: -quantity, sold: quantity },
          $unset: { [key]: '' },
          $set: { updatedAt: new Date() },
        },
      );
      return result.matchedCount === 1;
    });
  }

  /** Restock (positive) or write-off (negative, never below zero available). */
  async adjust(
    productId: string,
    delta: number,
  ): Promise<{ available: number; reserved: number } | undefined> {
    return this.serializer.run(productId, async () => {
      const product = await this.products
        .findOneAndUpdate(
          {
            _id: productId,
            deletedAt: null,
            ...(delta < 0 ? { available: { $gte: -delta } } : {}),
          },
          { $inc: { available: delta }, $set: { updatedAt: new Date() } },
          // No projection: FerretDB v1 does not implement findAndModify's `fields`.
          { returnDocument: 'after' },
        )
        .lean();
      return product ? { available: product.available, reserved: product.reserved } : undefined;
    });
  }

  /**
   * Keeps the StockLow latch in step with `available`: queues one StockLow
   * event (in the product, with the latch, in one update) when stock is at or
   * below the threshold and the latch is open; reopens it above. Run after
   * every stock movement; a crash before it is caught up by the next one.
   * `left`, the level a movement just left, spares the first read (the update
   * is conditional on it, so a level that moved since is read again).
   * Returns true when an event was queued.
   */
  async syncLowStockAlert(productId: string, left?: StockLevel): Promise<boolean> {
    // The common case is decided without a round trip: the latch matches the level it left.
    if (left && !left.deletedAt) {
      if (isStockLow(left.available, left.lowStockThreshold) === left.lowStockAlerted) return false;
    }
    return this.serializer.run(productId, async () => {
      // Conditional on the values read, so the event states the stock it was decided on.
      for (let attempt = 0; attempt < 5; attempt += 1) {
        const product: StockLevel | null =
          attempt === 0 && left
            ? left
            : await this.products
                .findOne(
                  { _id: productId },
                  { available: 1, lowStockThreshold: 1, lowStockAlerted: 1, deletedAt: 1 },
                )
                .lean();
        if (!product || product.deletedAt) return false;
        const low = isStockLow(product.available, product.lowStockThreshold);
        if (low === product.lowStockAlerted) return false;
        const seen = {
          _id: productId,
          available: product.available,
          lowStockThreshold: product.lowStockThreshold,
          lowStockAlerted: product.lowStockAlerted,
        };
        const update = low
          ? {
              $set: { lowStockAlerted: true },
              $push: {
                pendingEvents: createMessage(
                  StockLowV1,
                  {
                    productId,
                    available: product.available,
                    threshold: product.lowStockThreshold,
                  },
                  { source: 'catalog', correlationId: productId },
                ),
              },
            }
          : { $set: { lowStockAlerted: false } };
        const result = await this.products.updateOne(seen, update);
        if (result.matchedCount === 1) return low;
      }
      // Stock kept moving under us: whichever movement comes next re-runs this.
      return false;
    });
  }
}

function levelOf(product: StockLevel): StockLevel {
  return {
    available: product.available,
    lowStockThreshold: product.lowStockThreshold,
    lowStockAlerted: product.lowStockAlerted,
    deletedAt: product.deletedAt ?? null,
  };
}

/** Order ids are UUIDs: no `.` or `$`, so safe as a field name. */
function reservationKey(orderId: string): string {
  return `reservations.${orderId}`;
}
