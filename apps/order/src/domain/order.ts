import { type Money } from '@shop/contracts';
import {
  DuplicateLineItemError,
  IllegalOrderTransitionError,
  MixedCurrenciesError,
  OrderNotCancellableError,
} from './order.errors';

export type OrderStatus = 'PENDING' | 'APPROVED' | 'REJECTED' | 'CANCELLED';

/** A line of an order, with the price snapshotted when it was placed. */
export interface LineItem {
  productId: string;
  sku: string;
  name: string;
  quantity: number;
  unitPrice: Money;
}

export interface ShippingAddress {
  recipient: string;
  line1: string;
  line2?: string;
  city: string;
  postalCode: string;
  country: string;
}

export interface OrderSnapshot {
  id: string;
  customerId: string;
  status: OrderStatus;
  items: LineItem[];
  total: Money;
  shippingAddress: ShippingAddress;
  reason: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/**
 * The order aggregate. It is placed `PENDING` while its saga runs and ends
 * `APPROVED` (the saga's pivot), `REJECTED` (a step failed, with the reason)
 * or `CANCELLED` (the customer cancelled while it was pending). Prices are
 * the snapshot taken at placing; the total is derived from them, in one
 * currency, in integer minor units.
 */
export class Order {
  private constructor(private state: OrderSnapshot) {}

  static place(input: {
    id: string;
    customerId: string;
    items: LineItem[];
    shippingAddress: ShippingAddress;
    now: Date;
  }): Order {
    const seen = new Set<string>();
    for (const { productId } of input.items) {
      if (seen.has(productId)) throw new DuplicateLineItemError(productId);
      seen.add(productId);
    }
    const currencies = [...new Set(input.items.map((item) => item.unitPrice.currency))];
    if (currencies.length !== 1) throw new MixedCurrenciesError(currencies);
    const amount = input.items.reduce(
      (sum, item) => sum + item.unitPrice.amount * item.quantity,
      0,
    );
    if (!Number.isSafeInteger(amount)) throw new RangeError('order total out of range');
    return new Order({
      id: input.id,
      customerId: input.customerId,
      status: 'PENDING',
      items: input.items.map((item) => ({ ...item })),
      total: { amount, currency: currencies[0] as string },
      shippingAddress: { ...input.shippingAddress },
      reason: null,
      createdAt: input.now,
      updatedAt: input.now,
    });
  }

  static restore(snapshot: OrderSnapshot): Order {
    return new Order({ ...snapshot });
  }

  get id(): string {
    return this.state.id;
  }

  get customerId(): string {
    return this.state.customerId;
  }

  get status(): OrderStatus {
    return this.state.status;
  }

  snapshot(): OrderSnapshot {
    return { ...this.state, items: this.state.items.map((item) => ({ ...item })) };
  }

  /** A customer may cancel only while the saga has not passed its pivot. */
  assertCancellable(): void {
    if (this.state.status !== 'PENDING') throw new OrderNotCancellableError(this.state.status);
  }

  approve(now: Date): void {
    this.transition('APPROVED', null, now);
  }

  reject(reason: string, now: Date): void {
    this.transition('REJECTED', reason, now);
  }

  cancel(reason: string, now: Date): void {
    this.transition('CANCELLED', reason, now);
  }

  private transition(to: OrderStatus, reason: string | null, now: Date): void {
    if (this.state.status !== 'PENDING') {
      throw new IllegalOrderTransitionError(this.state.status, to);
    }
    this.state = { ...this.state, status: to, reason, updatedAt: now };
  }
}
