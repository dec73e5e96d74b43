import { z } from 'zod';
import { defineMessage } from '../envelope/message-definition';
import { Topics } from '../topics';

const byOrder = { key: (data: { orderId: string }) => data.orderId };

export const lineItemSchema = z
  .object({ productId: z.uuid(), quantity: z.number().int().positive() })
  .strict();

export const ReserveStockV1 = defineMessage({
  type: 'catalog.ReserveStock.v1',
  kind: 'command',
  topic: Topics.catalogCommands,
  producer: 'order',
  description: 'Reserve stock for every line of an order, or for none of them.',
  schema: z.object({ orderId: z.uuid(), items: z.array(lineItemSchema).min(1) }).strict(),
  ...byOrder,
});

export const ReleaseStockV1 = defineMessage({
  type: 'catalog.ReleaseStock.v1',
  kind: 'command',
  topic: Topics.catalogCommands,
  producer: 'order',
  description: "Compensation of ReserveStock: give an order's reserved stock back.",
  schema: z.object({ orderId: z.uuid() }).strict(),
  ...byOrder,
});

export const CommitStockV1 = defineMessage({
  type: 'catalog.CommitStock.v1',
  kind: 'command',
  topic: Topics.catalogCommands,
  producer: 'order',
  description: "After approval: turn an order's reservation into a sale.",
  schema: z.object({ orderId: z.uuid() }).strict(),
  ...byOrder,
});
