export const PAYMENT_STATUSES = [
  'AUTHORIZED',
  'CAPTURED',
  'VOIDED',
  'REFUNDED',
  'DECLINED',
  'FAILED',
] as const;

/**
 * Where a payment stands. A payment starts AUTHORIZED, DECLINED or FAILED;
 * only AUTHORIZED -> CAPTURED -> REFUNDED and AUTHORIZED -> VOIDED follow.
 */
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

/** Why an authorization did not happen (the values of the saga's failure reply). */
export type AuthorizationFailureReason =
  'declined' | 'insufficient_funds' | 'invalid_payment_method' | 'provider_unavailable';

/** An amount in integer minor units (cents) of an ISO 4217 currency; never a float. */
export interface Money {
  amount: number;
  currency: string;
}
