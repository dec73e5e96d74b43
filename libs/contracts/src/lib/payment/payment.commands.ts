import { z } from 'zod';
import { defineMessage } from '../envelope/message-definition';
import { moneySchema } from '../money';
import { Topics } from '../topics';

const command = { kind: 'command', topic: Topics.paymentCommands, producer: 'order' } as const;
const byOrder = { key: (data: { orderId: string }) => data.orderId };

export const AuthorizePaymentV1 = defineMessage({
  ...command,
  type: 'payment.AuthorizePayment.v1',
  description: "Authorize the order's total on the customer's payment method.",
  schema: z
    .object({
      orderId: z.uuid(),
      customerId: z.uuid(),
      amount: moneySchema,
      paymentMethodToken: z.string().min(1),
    })
    .strict(),
  ...byOrder,
});

export const VoidPaymentV1 = defineMessage({
  ...command,
  type: 'payment.VoidPayment.v1',
  description: "Compensation of AuthorizePayment: cancel the order's authorization.",
  schema: z.object({ orderId: z.uuid() }).strict(),
  ...byOrder,
});

export const CapturePaymentV1 = defineMessage({
  ...command,
  type: 'payment.CapturePayment.v1',
  description: "After approval: capture the order's authorized amount.",
  schema: z.object({ orderId: z.uuid() }).strict(),
  ...byOrder,
});

export const RefundPaymentV1 = defineMessage({
  ...command,
  type: 'payment.RefundPayment.v1',
  description: 'Refund a captured payment, e.g. for an order cancelled after capture.',
  schema: z.object({ orderId: z.uuid(), reason: z.string().min(1) }).strict(),
  ...byOrder,
});
