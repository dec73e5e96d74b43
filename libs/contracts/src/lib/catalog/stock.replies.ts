import { z } from 'zod';
import { defineMessage } from '../envelope/message-definition';
import { Topics } from '../topics';
import { lineItemSchema } from './stock.commands';

const reply = { kind: 'reply', topic: Topics.orderSagaReplies, producer: 'catalog' } as const;
const byOrder = { key: (data: { orderId: string }) => data.orderId };
const failure = z.object({ orderId: z.uuid(), reason: z.string().min(1) }).strict();

export const ReserveStockSucceededV1 = defineMessage({
  ...reply,
  type: 'catalog.ReserveStockSucceeded.v1',
  description: 'Every line of the order is reserved.',
  schema: z.object({ orderId: z.uuid(), items: z.array(lineItemSchema).min(1) }).strict(),
  ...byOrder,
});

export const ReserveStockFailedV1 = defineMessage({
  ...reply,
  type: 'catalog.ReserveStockFailed.v1',
  description:
    'Nothing is reserved (a partial reservation was undone); `shortages` says which products are short.',
  schema: z
    .object({
      orderId: z.uuid(),
      reason: z.string().min(1),
      shortages: z.array(
        z
          .object({
            productId: z.uuid(),
            requested: z.number().int().positive(),
            available: z.number().int().nonnegative(),
          })
          .strict(),
      ),
    })
    .strict(),
  ...byOrder,
});

export const ReleaseStockSucceededV1 = defineMessage({
  ...reply,
  type: 'catalog.ReleaseStockSucceeded.v1',
  description: "The order's reservation is released (or there was none).",
  schema: z.object({ orderId: z.uuid() }).strict(),
  ...byOrder,
});

export const ReleaseStockFailedV1 = defineMessage({
  ...reply,
  type: 'catalog.ReleaseStockFailed.v1',
  description: 'The reservation could not be released (e.g. it was already committed).',
  schema: failure,
  ...byOrder,
});

export const CommitStockSucceededV1 = defineMessage({
  ...reply,
  type: 'catalog.CommitStockSucceeded.v1',
  description: "The order's reservation is committed.",
  schema: z.object({ orderId: z.uuid() }).strict(),
  ...byOrder,
});

export const CommitStockFailedV1 = defineMessage({
  ...reply,
  type: 'catalog.CommitStockFailed.v1',
  description: 'The reservation could not be committed (e.g. none exists for the order).',
  schema: failure,
  ...byOrder,
});
