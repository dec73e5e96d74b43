import { type LineItem, Order } from './order';
import {
  DuplicateLineItemError,
  IllegalOrderTransitionError,
  MixedCurrenciesError,
  OrderNotCancellableError,
} from './order.errors';

const line = (productId: string, amount: number, quantity: number, currency = 'EUR'): LineItem => ({
  productId,
  sku: `SKU-${productId}`,
  name: `product ${productId}`,
  quantity,
  unitPrice: { amount, currency },
});
const address = {
  recipient: 'Ada',
  line1: '1 Main St',
  city: 'Paris',
  postalCode: '75001',
  country: 'FR',
};
const now = new Date('2026-11-27T10:00:00Z');
const place = (items: LineItem[]) =>
  Order.place({ id: 'o-1', customerId: 'c-1', items, shippingAddress: address, now });

describe('Order', () => {
  it('is placed PENDING with a total in minor units from the price snapshot', () => {
    const order = place([line('a', 1999, 2), line('b', 500, 1)]);
    expect(order.status).toBe('PENDING');
    expect(order.snapshot().total).toEqual({ amount: 4498, currency: 'EUR' });
  });

  it('refuses lines priced in different currencies', () => {
    expect(() => place([line('a', 100, 1), line('b', 100, 1, 'USD')])).toThrow(
      MixedCurrenciesError,
    );
  });

  it('refuses the same product on two lines', () => {
    expect(() => place([line('a', 100, 1), line('a', 100, 2)])).toThrow(DuplicateLineItemError);
  });

  it.each([
    ['approve', (order: Order) => order.approve(now), 'APPROVED', null],
    ['reject', (order: Order) => order.reject('out of stock', now), 'REJECTED', 'out of stock'],
    [
      'cancel',
      (order: Order) => order.cancel('changed my mind', now),
      'CANCELLED',
      'changed my mind',
    ],
  ])('can %s a pending order, once', (_name, act, status, reason) => {
    const order = place([line('a', 100, 1)]);
    act(order);
    expect(order.snapshot()).toMatchObject({ status, reason });
    expect(() => act(order)).toThrow(IllegalOrderTransitionError);
  });

  it('is cancellable only while pending', () => {
    const order = place([line('a', 100, 1)]);
    expect(() => order.assertCancellable()).not.toThrow();
    order.approve(now);
    expect(() => order.assertCancellable()).toThrow(OrderNotCancellableError);
    expect(() => order.assertCancellable()).toThrow(/can no longer be cancelled/);
  });
});
