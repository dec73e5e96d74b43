import { Injectable } from '@nestjs/common';
import { type Money } from '@shop/contracts';
import { ProductMongooseRepository } from '../../infrastructure/persistence/product.mongoose-repository';

/** What the order service snapshots when an order is placed. */
export interface PriceQuote {
  id: string;
  sku: string;
  name: string;
  price: Money;
  available: number;
}

/** Prices of many products in one call; unknown or deleted ids are listed as missing, not errors. */
@Injectable()
export class LookUpPricesHandler {
  constructor(private readonly products: ProductMongooseRepository) {}

  async execute(ids: readonly string[]): Promise<{ items: PriceQuote[]; missing: string[] }> {
    const unique = [...new Set(ids)];
    const found = new Map((await this.products.findMany(unique)).map((p) => [p.id, p]));
    const items: PriceQuote[] = [];
    const missing: string[] = [];
    for (const id of unique) {
      const product = found.get(id);
      if (!product) {
        missing.push(id);
        continue;
      }
      const { sku, name, price, available } = product;
      items.push({ id, sku, name, price, available });
    }
    return { items, missing };
  }
}
