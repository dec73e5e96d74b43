import { Injectable } from '@nestjs/common';
import { ReservationMismatchError } from '../../domain/catalog.errors';
import {
  decidedOutcome,
  normalizeLines,
  type ReservationOutcome,
  sameLines,
  type Shortage,
  shortageReason,
  type StockReservation,
} from '../../domain/stock-reservation';
import { ProductEventsForwarder } from '../../infrastructure/messaging/product-events.forwarder';
import { ProductMongooseRepository } from '../../infrastructure/persistence/product.mongoose-repository';
import {
  type StockLevel,
  StockMongooseRepository,
} from '../../infrastructure/persistence/stock.mongoose-repository';
import { StockReservationMongooseRepository } from '../../infrastructure/persistence/stock-reservation.mongoose-repository';
import { type ReserveStockCommand } from './reserve-stock.command';

/**
 * Reserves every line of an order or none: lines are taken one by one (each a
 * conditional update keyed by the order), and on the first short line the
 * decision "rejected" is recorded, then the lines taken are given back. The
 * decision is stored before anyone hears of it, so a redelivered command, or
 * a retry after a crash at any point, ends in the same answer.
 */
@Injectable()
export class ReserveStockHandler {
  constructor(
    private readonly reservations: StockReservationMongooseRepository,
    private readonly stock: StockMongooseRepository,
    private readonly products: ProductMongooseRepository,
    private readonly events: ProductEventsForwarder,
  ) {}

  async execute(command: ReserveStockCommand): Promise<ReservationOutcome> {
    const lines = normalizeLines(command.items);
    const reservation = await this.reservations.open(command.orderId, lines, 'reserving');
    if (reservation.lines.length > 0 && !sameLines(reservation.lines, lines)) {
      throw new ReservationMismatchError(command.orderId);
    }
    return this.settle(reservation);
  }

  private async settle(reservation: StockReservation): Promise<ReservationOutcome> {
    if (reservation.status === 'reserving') return this.reserveLines(reservation);
    if (reservation.status === 'rejected') await this.giveBack(reservation);
    const outcome = decidedOutcome(reservation);
    if (!outcome) throw new Error(`reservation ${reservation.orderId} has no decision`);
    return outcome;
  }

  private async reserveLines(reservation: StockReservation): Promise<ReservationOutcome> {
    const { orderId, lines } = reservation;
    const shortages: Shortage[] = [];
    const levels = new Map<string, StockLevel>();
    for (const line of lines) {
      if (shortages.length > 0) {
        // Already rejected: only find out whether this line would have been short too.
        const product = await this.products.findById(line.productId);
        const available = product?.available ?? 0;
        if (available < line.quantity) {
          shortages.push({ productId: line.productId, requested: line.quantity, available });
        }
        continue;
      }
      const result = await this.stock.reserveLine(line.productId, orderId, line.quantity);
      if (result.kind === 'reserved') levels.set(line.productId, result.level);
      if (result.kind === 'short') {
        shortages.push({
          productId: line.productId,
          requested: line.quantity,
          available: result.available,
        });
      }
    }
    const decided =
      shortages.length === 0
        ? await this.reservations.transition(orderId, ['reserving'], 'reserved', {
            reservedAt: new Date(),
          })
        : await this.reservations.transition(orderId, ['reserving'], 'rejected', {
            rejection: { reason: shortageReason(shortages), shortages },
          });
    if (!decided) {
      // A concurrent delivery decided first: follow it.
      const stored = await this.reservations.find(orderId);
      if (!stored) throw new Error(`reservation ${orderId} disappeared`);
      return this.settle(stored);
    }
    if (decided.status === 'rejected') await this.giveBack(decided);
    else await this.syncAlerts(decided, levels);
    const outcome = decidedOutcome(decided);
    if (!outcome) throw new Error(`reservation ${orderId} has no decision`);
    return outcome;
  }

  /** Undoes whatever lines are held (each release is a no-op where nothing is). */
  private async giveBack(reservation: StockReservation): Promise<void> {
    const levels = new Map<string, StockLevel>();
    for (const line of reservation.lines) {
      const level = await this.stock.releaseLine(
        line.productId,
        reservation.orderId,
        line.quantity,
      );
      if (level) levels.set(line.productId, level);
    }
    await this.syncAlerts(reservation, levels);
  }

  /** `levels`: what this command's own movements left, where known (each spares a read). */
  private async syncAlerts(
    reservation: StockReservation,
    levels: ReadonlyMap<string, StockLevel> = new Map(),
  ): Promise<void> {
    let queued = false;
    for (const line of reservation.lines) {
      const level = levels.get(line.productId);
      queued = (await this.stock.syncLowStockAlert(line.productId, level)) || queued;
    }
    if (queued) this.events.notify();
  }
}
