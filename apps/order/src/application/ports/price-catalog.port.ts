import { type Money } from '@shop/contracts';

export interface PricedProduct {
  productId: string;
  sku: string;
  name: string;
  price: Money;
}

/** The catalog service, as the order service needs it: today's prices, for a snapshot. */
export interface PriceCatalog {
  /** The products that exist among `productIds`, by id; UpstreamUnavailableError when it cannot say. */
  priceSnapshot(productIds: string[]): Promise<Map<string, PricedProduct>>;
}

export const PRICE_CATALOG = Symbol('order.price-catalog');
