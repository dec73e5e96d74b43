import { type Money } from '@shop/contracts';
import { type SagaStatus, type SagaTimelineEntry } from '@shop/saga';
import { type OrderStatus, type ShippingAddress } from '../../domain/order';

/** An order as its owner (or an admin) reads it. */
export interface OrderView {
  id: string;
  customerId: string;
  status: OrderStatus;
  reason: string | null;
  items: {
    productId: string;
    sku: string;
    name: string;
    quantity: number;
    unitPrice: Money;
    lineTotal: Money;
  }[];
  total: Money;
  shippingAddress: ShippingAddress;
  createdAt: string;
  updatedAt: string;
  /** The CreateOrder saga behind the status: where it is, and every step with its time. */
  saga: { status: SagaStatus; timeline: SagaTimelineEntry[] } | null;
}

export interface OrderPage {
  items: OrderView[];
  /** Pass as `after` for the next page; null on the last one. */
  next: string | null;
}
