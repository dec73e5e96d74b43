import { type Money } from '@shop/contracts';

/** Only the fields given change; the SKU never does (other systems key on it). */
export interface UpdateProductCommand {
  id: string;
  name?: string;
  description?: string;
  category?: string;
  price?: Money;
  images?: string[];
  attributes?: Record<string, string>;
  lowStockThreshold?: number;
}
