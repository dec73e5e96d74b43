import { type Money } from '@shop/contracts';
import { type Product } from '../../domain/product';

/** A product as anyone may see it: with what can be ordered now, not the stock bookkeeping. */
export interface ProductView {
  id: string;
  sku: string;
  name: string;
  description: string;
  category: string;
  price: Money;
  images: string[];
  attributes: Record<string, string>;
  available: number;
  createdAt: string;
  updatedAt: string;
}

export function toProductView(product: Product): ProductView {
  return {
    id: product.id,
    sku: product.sku,
    name: product.name,
    description: product.description,
    category: product.category,
    price: product.price,
    images: product.images,
    attributes: product.attributes,
    available: product.available,
    createdAt: product.createdAt.toISOString(),
    updatedAt: product.updatedAt.toISOString(),
  };
}
