import { Injectable } from '@nestjs/common';
import { RELEASABLE, type StockReservation } from '../../domain/stock-reservation';
import { ProductEventsForwarder } from '../../infrastructure/messaging/product-events.forwarder';
import { StockMongooseRepository } from '../../infrastructure/persistence/stock.mongoose-repository';
import { StockReservationMongooseRepository } from '../../infrastructure/persistence/stock-reservation.mongoose-repository';

export type ReleaseStockOutcome = { kind: 'released' } | { kind: 'refused'; reason: string };

/**
 * The compensation of ReserveStock: gives the order's held units back. With
 * no reservation yet, it records a released one, so a late ReserveStock (a
 * replay) cannot take stock after its order gave up.
 */
@Injectable()
export class ReleaseStockHandler {
  constructor(
    private readonly reservations: StockReservationMongooseRepository,
    private readonly stock: StockMongooseRepository,
    private readonly events: ProductEventsForwarder,
  ) {}

  async execute(orderId: string): Promise<ReleaseStockOutcome> {
    // The stored record, or a released one when there is none (one round trip either way).
    return this.settle(await this.reservations.open(orderId, [], 'released'));
  }

  private async settle(reservation: StockReservation): Promise<ReleaseStockOutcome> {
    const { orderId, status } = reservation;
    if (status === 'released') return { kind: 'released' };
    if (status === 'committing' || status === 'committed') {
      return {
        kind: 'refused',
        reason: `the reservation of order ${orderId} is already committed`,
      };
    }
    if (!(await this.reservations.transition(orderId, RELEASABLE, 'releasing'))) {
      const current = await this.reservations.find(orderId);
      if (!current) throw new Error(`reservation ${orderId} disappeared`);
      return this.settle(current);
    }
    let queued = false;
    for (const line of reservation.lines) {
      const level = await this.stock.releaseLine(line.productId, orderId, line.quantity);
      queued = (await this.stock.syncLowStockAlert(line.productId, level)) || queued;
    }
    if (queued) this.events.notify();
    await this.reservations.transition(orderId, ['releasing'], 'released');
    return { kind: 'released' };
  }
}
