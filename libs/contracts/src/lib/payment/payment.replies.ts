import { z } from 'zod';
import { defineMessage } from '../envelope/message-definition';
import { moneySchema } from '../money';
import { Topics } from '../topics';

const reply = { kind: 'reply', topic: Topics.orderSagaReplies, producer: 'payment' } as const;
const byOrder = { key: (data: { orderId: string }) => data.orderId };
const succeeded = z.object({ orderId: z.uuid(), paymentId: z.uuid() }).strict();
const failed = z.object({ orderId: z.uuid(), reason: z.string().min(1) }).strict();

export const authorizationFailureReasonSchema = z.enum([
  'declined',
  'insufficient_funds',
  'provider_unavailable',
  'invalid_payment_method',
]);

export const AuthorizePaymentSucceededV1 = defineMessage({
  ...reply,
  type: 'payment.AuthorizePaymentSucceeded.v1',
  description: 'The amount is authorized.',
  schema: z.object({ orderId: z.uuid(), paymentId: z.uuid(), amount: moneySchema }).strict(),
  ...byOrder,
});

export const AuthorizePaymentFailedV1 = defineMessage({
  ...reply,
  type: 'payment.AuthorizePaymentFailed.v1',
  description: 'The authorization was refused; `reason` says why.',
  schema: z
    .object({
      orderId: z.uuid(),
      reason: authorizationFailureReasonSchema,
      message: z.string().min(1),
    })
    .strict(),
  ...byOrder,
});

export const VoidPaymentSucceededV1 = defineMessage({
  ...reply,
  type: 'payment.VoidPaymentSucceeded.v1',
  description: 'The authorization is voided (or there was none to void).',
  schema: z.object({ orderId: z.uuid(), paymentId: z.uuid().nullable() }).strict(),
  ...byOrder,
});

export const VoidPaymentFailedV1 = defineMessage({
  ...reply,
  type: 'payment.VoidPaymentFailed.v1',
  description: 'The authorization could not be voided (e.g. it was already captured).',
  schema: failed,
  ...byOrder,
});

export const CapturePaymentSucceededV1 = defineMessage({
  ...reply,
  type: 'payment.CapturePaymentSucceeded.v1',
  description: 'The authorized amount is captured.',
  schema: succeeded,
  ...byOrder,
});

export const CapturePaymentFailedV1 = defineMessage({
  ...reply,
  type: 'payment.CapturePaymentFailed.v1',
  description: 'The capture failed (e.g. no authorization exists for the order).',
  schema: failed,
  ...byOrder,
});

export const RefundPaymentSucceededV1 = defineMessage({
  ...reply,
  type: 'payment.RefundPaymentSucceeded.v1',
  description: 'The captured amount is refunded.',
  schema: succeeded,
  ...byOrder,
});

export const RefundPaymentFailedV1 = defineMessage({
  ...reply,
  type: 'payment.RefundPaymentFailed.v1',
  description: 'The refund failed (e.g. nothing was captured).',
  schema: failed,
  ...byOrder,
});
