import { type Payment } from '../domain/payment';

/** The common part of every payment event (payment.events). */
export function paymentEventData(payment: Payment): {
  paymentId: string;
  orderId: string;
  customerId: string;
  amount: { amount: number; currency: string };
} {
  return {
    paymentId: payment.id,
    orderId: payment.orderId,
    customerId: payment.customerId,
    amount: payment.amount,
  };
}
