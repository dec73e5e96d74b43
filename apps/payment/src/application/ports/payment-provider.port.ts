import { type AuthorizationFailureReason, type Money } from '../../domain/payment-status';

export const PAYMENT_PROVIDER = Symbol('payment.provider');

/**
 * Every request carries an idempotency key: the same key for every attempt of
 * one operation, so a retry after a lost answer gets the first answer again
 * and the provider acts at most once (as with Stripe's or Adyen's keys).
 */
export interface AuthorizationRequest {
  idempotencyKey: string;
  orderId: string;
  amount: Money;
  paymentMethodToken: string;
}

export type AuthorizationAnswer =
  | { outcome: 'approved'; authorizationReference: string }
  | {
      outcome: 'declined';
      reason: Exclude<AuthorizationFailureReason, 'provider_unavailable'>;
      message: string;
      /** The provider's id of the declined attempt, when it made one. */
      providerReference: string | null;
    };

export interface AuthorizationOperationRequest {
  idempotencyKey: string;
  authorizationReference: string;
  amount: Money;
}

export interface ReversalRequest {
  idempotencyKey: string;
  /** The key of the authorization whose answer never came. */
  authorizationIdempotencyKey: string;
}

/**
 * A payment service provider (PSP). Each call gets an AbortSignal that fires
 * at the caller's deadline; an adapter passes it on (e.g. to fetch). Errors
 * are PaymentProviderError subclasses: transient ones may be retried with the
 * same idempotency key, a refusal may not.
 */
export interface PaymentProvider {
  authorize(request: AuthorizationRequest, signal: AbortSignal): Promise<AuthorizationAnswer>;
  capture(
    request: AuthorizationOperationRequest,
    signal: AbortSignal,
  ): Promise<{ reference: string }>;
  void(
    request: Omit<AuthorizationOperationRequest, 'amount'>,
    signal: AbortSignal,
  ): Promise<{ reference: string }>;
  refund(
    request: AuthorizationOperationRequest,
    signal: AbortSignal,
  ): Promise<{ reference: string }>;
  /**
   * A "technical cancel": reverses whatever the authorization with that key
   * did, without knowing its outcome (its answer was lost). `reference` is
   * null when the provider never authorized anything under that key.
   */
  reverseAuthorization(
    request: ReversalRequest,
    signal: AbortSignal,
  ): Promise<{ reference: string | null }>;
}
