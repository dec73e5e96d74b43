import { Injectable } from '@nestjs/common';
import { COMMITTABLE, type StockReservation } from '../../domain/stock-reservation';
import { StockReservationMongooseRepository } from '../../infrastructure/persistence/stock-reservation.mongoose-repository';
import { StockMongooseRepository } from '../../infrastructure/persistence/stock.mongoose-repository';

export type CommitStockOutcome = { kind: 'committed' } | { kind: 'refused'; reason: string };

/**
 * After the order is approved: its held units become sold (they left
 * `available` when reserved). The decision is recorded first (the record
 * moves to `committed` and comes back with its lines), then each product
 * turns the order's hold into a sale; a hold's move is a no-op once done, so
 * a redelivered command, or a retry after a crash between the two, finishes
 * the lines and answers the same.
 */
@Injectable()
export class CommitStockHandler {
  constructor(
    private readonly reservations: StockReservationMongooseRepository,
    private readonly stock: StockMongooseRepository,
  ) {}

  async execute(orderId: string): Promise<CommitStockOutcome> {
    // The usual case in one round trip for the decision, one per line for the stock.
    const reservation = await this.reservations.transition(orderId, COMMITTABLE, 'committed');
    if (reservation) return this.commitLines(reservation);
    const stored = await this.reservations.find(orderId);
    if (!stored) return { kind: 'refused', reason: `no reservation for order ${orderId}` };
    if (stored.status === 'committed') return this.commitLines(stored);
    if (COMMITTABLE.includes(stored.status)) return this.execute(orderId); // moved back meanwhile
    return {
      kind: 'refused',
      reason: `the reservation of order ${orderId} is ${stored.status}, not reserved`,
    };
  }

  private async commitLines(reservation: StockReservation): Promise<CommitStockOutcome> {
    for (const line of reservation.lines) {
      await this.stock.commitLine(line.productId, reservation.orderId, line.quantity);
    }
    return { kind: 'committed' };
  }
}
