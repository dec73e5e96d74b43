/**
 * An order's stock reservation (one per order id), the participant's memory
 * between ReserveStock, ReleaseStock and CommitStock:
 *
 *   reserving ──▶ reserved ──▶ committed
 *       │            │
 *       ▼            ▼
 *   rejected ──▶ releasing ──▶ released       (reserving also ──▶ releasing)
 *
 * Every transition is persisted before the product updates it stands for, so
 * a retry after a crash resumes the same way; the product updates themselves
 * are idempotent per (product, order). (`committing`, between reserved and
 * committed, is left by earlier versions; a commit still resumes from it.)
 */
export type ReservationStatus =
  'reserving' | 'reserved' | 'rejected' | 'releasing' | 'released' | 'committing' | 'committed';

export interface ReservationLine {
  productId: string;
  quantity: number;
}

export interface Shortage {
  productId: string;
  requested: number;
  available: number;
}

export interface StockReservation {
  orderId: string;
  lines: ReservationLine[];
  status: ReservationStatus;
  /** Set when every line was reserved: the decision a redelivered ReserveStock replies with. */
  reservedAt: Date | null;
  /** Set when a line was short: the other decision. */
  rejection: { reason: string; shortages: Shortage[] } | null;
}

export type ReservationOutcome =
  | { kind: 'reserved'; lines: ReservationLine[] }
  | { kind: 'rejected'; reason: string; shortages: Shortage[] };

/** From which statuses a release or a commit may start (or resume). */
export const RELEASABLE: readonly ReservationStatus[] = [
  'reserving',
  'reserved',
  'rejected',
  'releasing',
];
export const COMMITTABLE: readonly ReservationStatus[] = ['reserved', 'committing'];

/** One line per product (quantities of repeated products added), in a fixed order. */
export function normalizeLines(items: readonly ReservationLine[]): ReservationLine[] {
  const quantities = new Map<string, number>();
  for (const { productId, quantity } of items) {
    quantities.set(productId, (quantities.get(productId) ?? 0) + quantity);
  }
  return [...quantities.entries()]
    .sort(([left], [right]) => left.localeCompare(right))
    .map(([productId, quantity]) => ({ productId, quantity }));
}

export function sameLines(left: readonly ReservationLine[], right: readonly ReservationLine[]) {
  const a = normalizeLines(left);
  const b = normalizeLines(right);
  return (
    a.length === b.length &&
    a.every(
      (line, index) =>
        line.productId === b[index]?.productId && line.quantity === b[index]?.quantity,
    )
  );
}

export function shortageReason(shortages: readonly Shortage[]): string {
  const parts = shortages.map(
    ({ productId, requested, available }) =>
      `product ${productId}: ${requested} requested, ${available} available`,
  );
  return `insufficient stock (${parts.join('; ')})`;
}

/**
 * What ReserveStock answered, once decided: a redelivered command gets the
 * same answer even after the reservation was released or committed.
 * Undefined while still reserving.
 */
export function decidedOutcome(reservation: StockReservation): ReservationOutcome | undefined {
  if (reservation.rejection) return { kind: 'rejected', ...reservation.rejection };
  if (reservation.reservedAt) return { kind: 'reserved', lines: reservation.lines };
  if (reservation.status === 'released' || reservation.status === 'releasing') {
    return {
      kind: 'rejected',
      reason: `the reservation of order ${reservation.orderId} was released before it completed`,
      shortages: [],
    };
  }
  return undefined;
}
