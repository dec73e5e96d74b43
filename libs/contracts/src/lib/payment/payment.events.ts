import { z } from 'zod';
import { defineMessage } from '../envelope/message-definition';
import { moneySchema } from '../money';
import { authorizationFailureReasonSchema } from './payment.replies';
import { Topics } from '../topics';

const event = { kind: 'event', topic: Topics.paymentEvents, producer: 'payment' } as const;
const byOrder = { key: (data: { orderId: string }) => data.orderId };
const payment = {
  paymentId: z.uuid(),
  orderId: z.uuid(),
  customerId: z.uuid(),
  amount: moneySchema,
};

export const PaymentAuthorizedV1 = defineMessage({
  ...event,
  type: 'payment.PaymentAuthorized.v1',
  description: 'A payment was authorized.',
  schema: z.object(payment).strict(),
  ...byOrder,
});

export const PaymentCapturedV1 = defineMessage({
  ...event,
  type: 'payment.PaymentCaptured.v1',
  description: 'A payment was captured.',
  schema: z.object(payment).strict(),
  ...byOrder,
});

export const PaymentVoidedV1 = defineMessage({
  ...event,
  type: 'payment.PaymentVoided.v1',
  description: 'An authorization was voided.',
  schema: z.object(payment).strict(),
  ...byOrder,
});

export const PaymentDeclinedV1 = defineMessage({
  ...event,
  type: 'payment.PaymentDeclined.v1',
  description: 'An authorization was declined.',
  schema: z.object({ ...payment, reason: authorizationFailureReasonSchema }).strict(),
  ...byOrder,
});

export const PaymentRefundedV1 = defineMessage({
  ...event,
  type: 'payment.PaymentRefunded.v1',
  description: 'A captured payment was refunded.',
  schema: z.object(payment).strict(),
  ...byOrder,
});
