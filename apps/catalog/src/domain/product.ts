import { type Money } from '@shop/contracts';

/**
 * A product and its stock. Stock on hand is `available + reserved`:
 * `available` can be promised to a new order, `reserved` is held for orders
 * whose saga is still running, and `sold` counts what committed orders took.
 * Each order's hold is also kept in the product (`reservations[orderId]`), so
 * every stock movement is one single-document update that names its order.
 */
export interface Product {
  id: string;
  sku: string;
  name: string;
  description: string;
  /** The slug of its category. */
  category: string;
  price: Money;
  images: string[];
  attributes: Record<string, string>;
  available: number;
  reserved: number;
  sold: number;
  /** At or below this `available`, a StockLow event is sent (once per crossing). */
  lowStockThreshold: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface Category {
  slug: string;
  name: string;
  description: string;
}

export function isStockLow(available: number, threshold: number): boolean {
  return available <= threshold;
}
