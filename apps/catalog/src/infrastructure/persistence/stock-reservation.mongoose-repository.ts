import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { type Model, mongo } from 'mongoose';
import {
  type ReservationLine,
  type ReservationStatus,
  type StockReservation,
} from '../../domain/stock-reservation';
import { ProductWritesSerializer } from './product-writes.serializer';
import { StockReservationDocument } from './stock-reservation.schema';

const DUPLICATE_KEY = 11000;

/**
 * Reservation records, one per order (`_id` = order id). Status changes are
 * conditional on the status they leave, so concurrent deliveries of one
 * command agree on one transition; on FerretDB they go through the same
 * serializer as product writes, keyed by order.
 */
@Injectable()
export class StockReservationMongooseRepository {
  constructor(
    @InjectModel(StockReservationDocument.name)
    private readonly reservations: Model<StockReservationDocument>,
    private readonly serializer: ProductWritesSerializer,
  ) {}

  async find(orderId: string): Promise<StockReservation | undefined> {
    const document = await this.reservations.findById(orderId).lean();
    return document ? toReservation(document) : undefined;
  }

  /** Creates the record in `status` unless one exists; returns the one that is stored. */
  async open(
    orderId: string,
    lines: ReservationLine[],
    status: Extract<ReservationStatus, 'reserving' | 'released'>,
  ): Promise<StockReservation> {
    const now = new Date();
    let stored: StockReservationDocument | null;
    try {
      // One round trip: inserted if absent, and whichever record is stored comes back.
      stored = await this.reservations
        .findOneAndUpdate(
          { _id: orderId },
          {
            $setOnInsert: {
              lines,
              status,
              reservedAt: null,
              rejection: null,
              createdAt: now,
              updatedAt: now,
            },
          },
          { upsert: true, returnDocument: 'after' },
        )
        .lean();
    } catch (error) {
      // A concurrent delivery inserted it between our look and our insert: keep that one.
      if (!(error instanceof mongo.MongoServerError && error.code === DUPLICATE_KEY)) throw error;
      stored = await this.reservations.findById(orderId).lean();
    }
    if (!stored) throw new Error(`reservation ${orderId} vanished right after it was opened`);
    return toReservation(stored);
  }

  /**
   * Moves the record from one of `from` to `to` and returns it as moved;
   * undefined when it was in another status.
   */
  async transition(
    orderId: string,
    from: readonly ReservationStatus[],
    to: ReservationStatus,
    decision: Partial<Pick<StockReservation, 'reservedAt' | 'rejection'>> = {},
  ): Promise<StockReservation | undefined> {
    return this.serializer.run(`reservation:${orderId}`, async () => {
      const moved = await this.reservations
        .findOneAndUpdate(
          { _id: orderId, status: { $in: [...from] } },
          { $set: { status: to, updatedAt: new Date(), ...decision } },
          { returnDocument: 'after' },
        )
        .lean();
      return moved ? toReservation(moved) : undefined;
    });
  }
}

function toReservation(document: StockReservationDocument): StockReservation {
  return {
    orderId: document._id,
    // Absent rather than empty when inserted by an upsert on FerretDB v1, which drops empty
    // arrays and nulls from `$setOnInsert`.
    lines: (document.lines ?? []).map(({ productId, quantity }) => ({ productId, quantity })),
    status: document.status,
    reservedAt: document.reservedAt ?? null,
    rejection: document.rejection ?? null,
  };
}
