import { Injectable } from '@nestjs/common';
import { COMMITTABLE } from '../../domain/stock-reservation';
import { StockReservationMongooseRepository } from '../../infrastructure/persistence/stock-reservation.mongoose-repository';
import { StockMongooseRepository } from '../../infrastructure/persistence/stock.mongoose-repository';

export type CommitStockOutcome = { kind: 'committed' } | { kind: 'refused'; reason: string };

/** After the order is approved: its held units become sold (they left `available` when reserved). */
@Injectable()
export class CommitStockHandler {
  constructor(
    private readonly reservations: StockReservationMongooseRepository,
    private readonly stock: StockMongooseRepository,
  ) {}

  async execute(orderId: string): Promise<CommitStockOutcome> {
    // The usual case in one round trip: the move to `committing` returns the record.
    const reservation = await this.reservations.transition(orderId, COMMITTABLE, 'committing');
    if (!reservation) return this.answerFromStored(orderId);
    for (const line of reservation.lines) {
      await this.stock.commitLine(line.productId, orderId, line.quantity);
    }
    await this.reservations.transition(orderId, ['committing'], 'committed');
    return { kind: 'committed' };
  }

  /** Not committable: already committed (a redelivery), or refused with why. */
  private async answerFromStored(orderId: string): Promise<CommitStockOutcome> {
    const reservation = await this.reservations.find(orderId);
    if (!reservation) return { kind: 'refused', reason: `no reservation for order ${orderId}` };
    if (reservation.status === 'committed') return { kind: 'committed' };
    if (COMMITTABLE.includes(reservation.status)) return this.execute(orderId); // moved back meanwhile
    return {
      kind: 'refused',
      reason: `the reservation of order ${orderId} is ${reservation.status}, not reserved`,
    };
  }
}
