import { z } from 'zod';
import { defineMessage } from '../envelope/message-definition';
import { moneySchema } from '../money';
import { Topics } from '../topics';

const event = { kind: 'event', topic: Topics.orderEvents, producer: 'order' } as const;
const byOrder = { key: (data: { orderId: string }) => data.orderId };

export const OrderPlacedV1 = defineMessage({
  ...event,
  type: 'order.OrderPlaced.v1',
  description: 'An order was placed (PENDING); its saga has started.',
  schema: z
    .object({
      orderId: z.uuid(),
      customerId: z.uuid(),
      items: z
        .array(
          z
            .object({
              productId: z.uuid(),
              quantity: z.number().int().positive(),
              unitPrice: moneySchema,
            })
            .strict(),
        )
        .min(1),
      total: moneySchema,
    })
    .strict(),
  ...byOrder,
});

export const OrderApprovedV1 = defineMessage({
  ...event,
  type: 'order.OrderApproved.v1',
  description: 'The order passed its pivot: stock reserved and payment authorized.',
  schema: z.object({ orderId: z.uuid(), customerId: z.uuid() }).strict(),
  ...byOrder,
});

export const OrderRejectedV1 = defineMessage({
  ...event,
  type: 'order.OrderRejected.v1',
  description: 'The order failed before its pivot; completed steps were compensated.',
  schema: z.object({ orderId: z.uuid(), customerId: z.uuid(), reason: z.string().min(1) }).strict(),
  ...byOrder,
});

export const OrderCancelledV1 = defineMessage({
  ...event,
  type: 'order.OrderCancelled.v1',
  description: 'The customer cancelled the order.',
  schema: z.object({ orderId: z.uuid(), customerId: z.uuid(), reason: z.string().min(1) }).strict(),
  ...byOrder,
});
