import { type Money } from '@shop/contracts';

export interface CreateProductCommand {
  sku: string;
  name: string;
  description?: string;
  category: string;
  price: Money;
  images?: string[];
  attributes?: Record<string, string>;
  initialStock?: number;
  lowStockThreshold?: number;
}
