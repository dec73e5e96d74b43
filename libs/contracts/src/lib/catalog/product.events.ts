import { z } from 'zod';
import { defineMessage } from '../envelope/message-definition';
import { moneySchema } from '../money';
import { Topics } from '../topics';

const event = { kind: 'event', topic: Topics.catalogEvents, producer: 'catalog' } as const;
const byProduct = { key: (data: { productId: string }) => data.productId };

export const ProductCreatedV1 = defineMessage({
  ...event,
  type: 'catalog.ProductCreated.v1',
  description: 'A product was added to the catalog.',
  schema: z
    .object({
      productId: z.uuid(),
      sku: z.string().min(1),
      name: z.string().min(1),
      category: z.string().min(1),
      price: moneySchema,
    })
    .strict(),
  ...byProduct,
});

export const ProductPriceChangedV1 = defineMessage({
  ...event,
  type: 'catalog.ProductPriceChanged.v1',
  description: "A product's price changed.",
  schema: z
    .object({ productId: z.uuid(), previousPrice: moneySchema, price: moneySchema })
    .strict(),
  ...byProduct,
});

export const StockLowV1 = defineMessage({
  ...event,
  type: 'catalog.StockLow.v1',
  description: "A product's available stock fell to or below its threshold.",
  schema: z
    .object({
      productId: z.uuid(),
      available: z.number().int().nonnegative(),
      threshold: z.number().int().nonnegative(),
    })
    .strict(),
  ...byProduct,
});
