import {
  decidedOutcome,
  normalizeLines,
  sameLines,
  shortageReason,
  type StockReservation,
} from './stock-reservation';

const productA = '0190f5a2-7b1c-7d4e-8f00-00000000000a';
const productB = '0190f5a2-7b1c-7d4e-8f00-00000000000b';
const orderId = '0190f5a2-7b1c-7d4e-8f00-0000000000f1';

const reservation = (overrides: Partial<StockReservation>): StockReservation => ({
  orderId,
  lines: [{ productId: productA, quantity: 1 }],
  status: 'reserving',
  reservedAt: null,
  rejection: null,
  ...overrides,
});

describe('stock reservation', () => {
  it('merges repeated products and orders lines by product id', () => {
    expect(
      normalizeLines([
        { productId: productB, quantity: 1 },
        { productId: productA, quantity: 2 },
        { productId: productB, quantity: 3 },
      ]),
    ).toEqual([
      { productId: productA, quantity: 2 },
      { productId: productB, quantity: 4 },
    ]);
  });

  it('compares lines regardless of their order and repetition', () => {
    const lines = [
      { productId: productA, quantity: 2 },
      { productId: productB, quantity: 1 },
    ];

    expect(sameLines(lines, [...lines].reverse())).toBe(true);
    expect(
      sameLines(lines, [
        { productId: productA, quantity: 1 },
        { productId: productA, quantity: 1 },
        { productId: productB, quantity: 1 },
      ]),
    ).toBe(true);
    expect(sameLines(lines, [{ productId: productA, quantity: 2 }])).toBe(false);
  });

  it('names every short product in the reason', () => {
    expect(
      shortageReason([
        { productId: productA, requested: 3, available: 1 },
        { productId: productB, requested: 2, available: 0 },
      ]),
    ).toBe(
      `insufficient stock (product ${productA}: 3 requested, 1 available; product ${productB}: 2 requested, 0 available)`,
    );
  });

  it('answers a redelivered command with the first decision, whatever happened since', () => {
    const reservedAt = new Date();
    const rejection = { reason: 'insufficient stock', shortages: [] };

    expect(decidedOutcome(reservation({}))).toBeUndefined();
    expect(decidedOutcome(reservation({ status: 'committed', reservedAt }))).toEqual({
      kind: 'reserved',
      lines: [{ productId: productA, quantity: 1 }],
    });
    expect(decidedOutcome(reservation({ status: 'released', rejection }))).toEqual({
      kind: 'rejected',
      ...rejection,
    });
    expect(decidedOutcome(reservation({ status: 'released', lines: [] }))).toMatchObject({
      kind: 'rejected',
      reason: expect.stringMatching(/released before it completed/),
    });
  });
});
