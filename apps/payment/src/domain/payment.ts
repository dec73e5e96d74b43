import {
  IllegalPaymentTransitionError,
  InvalidPaymentAmountError,
  PaymentAlreadyCapturedError,
} from './payment.errors';
import { type AuthorizationFailureReason, type Money, type PaymentStatus } from './payment-status';

/** One step of a payment's life, as it happened. */
export interface PaymentTransition {
  status: PaymentStatus;
  occurredAt: Date;
  /** The provider's id for the operation (authorization, capture, void, refund), when it made one. */
  providerReference: string | null;
  /** Why, for a decline or a failure. */
  reason: string | null;
}

export interface PaymentFailure {
  reason: AuthorizationFailureReason;
  message: string;
}

/** What a command on an existing payment has to do: call the provider, or nothing (its goal already holds). */
export type TransitionPlan = 'call-provider' | 'already-done';

export interface PaymentSnapshot {
  id: string;
  orderId: string;
  customerId: string;
  amount: Money;
  status: PaymentStatus;
  failure: PaymentFailure | null;
  history: PaymentTransition[];
}

interface NewPayment {
  id: string;
  orderId: string;
  customerId: string;
  amount: Money;
  at: Date;
}

/**
 * The payment of one order. Its transitions are methods that refuse illegal
 * moves with a domain error; a command whose goal already holds (a second
 * capture of a captured payment) is planned as `already-done`, which is what
 * makes every command idempotent by order id. The version is the number of
 * transitions: each one is a new version, checked when it is stored.
 */
export class Payment {
  private constructor(
    private readonly state: PaymentSnapshot,
    /** How many transitions were already stored when this instance was loaded. */
    readonly storedVersion: number,
  ) {}

  static authorized(payment: NewPayment & { authorizationReference: string }): Payment {
    return Payment.started(payment, 'AUTHORIZED', payment.authorizationReference, null);
  }

  static declined(
    payment: NewPayment & {
      failure: PaymentFailure & {
        reason: Exclude<AuthorizationFailureReason, 'provider_unavailable'>;
      };
      providerReference: string | null;
    },
  ): Payment {
    return Payment.started(payment, 'DECLINED', payment.providerReference, payment.failure);
  }

  /** The provider gave no definite answer within the attempts allowed (and any authorization it may hold was reversed). */
  static failed(
    payment: NewPayment & { message: string; providerReference: string | null },
  ): Payment {
    return Payment.started(payment, 'FAILED', payment.providerReference, {
      reason: 'provider_unavailable',
      message: payment.message,
    });
  }

  static restore(snapshot: PaymentSnapshot): Payment {
    return new Payment(structuredClone(snapshot), snapshot.history.length);
  }

  private static started(
    payment: NewPayment,
    status: PaymentStatus,
    providerReference: string | null,
    failure: PaymentFailure | null,
  ): Payment {
    const { amount } = payment;
    if (!Number.isSafeInteger(amount.amount) || amount.amount < 0) {
      throw new InvalidPaymentAmountError(`${amount.amount} is not a whole number of minor units`);
    }
    if (!/^[A-Z]{3}$/.test(amount.currency)) {
      throw new InvalidPaymentAmountError(`${amount.currency} is not an ISO 4217 currency code`);
    }
    return new Payment(
      {
        id: payment.id,
        orderId: payment.orderId,
        customerId: payment.customerId,
        amount: { ...amount },
        status,
        failure,
        history: [
          {
            status,
            occurredAt: payment.at,
            providerReference,
            reason: failure ? `${failure.reason}: ${failure.message}` : null,
          },
        ],
      },
      0,
    );
  }

  get id(): string {
    return this.state.id;
  }

  get orderId(): string {
    return this.state.orderId;
  }

  get customerId(): string {
    return this.state.customerId;
  }

  get amount(): Money {
    return { ...this.state.amount };
  }

  get status(): PaymentStatus {
    return this.state.status;
  }

  get failure(): PaymentFailure | null {
    return this.state.failure ? { ...this.state.failure } : null;
  }

  get version(): number {
    return this.state.history.length;
  }

  get history(): readonly PaymentTransition[] {
    return this.state.history.map((transition) => ({ ...transition }));
  }

  /** The transitions made since the payment was loaded (all of them for a new one). */
  get unsavedTransitions(): readonly PaymentTransition[] {
    return this.history.slice(this.storedVersion);
  }

  /** Whether the authorization ever succeeded (even if the payment moved on since). */
  get wasAuthorized(): boolean {
    return this.reachedStatus('AUTHORIZED');
  }

  /** The provider's authorization id, which captures, voids and refunds refer to. */
  get authorizationReference(): string | null {
    return (
      this.state.history.find(({ status }) => status === 'AUTHORIZED')?.providerReference ?? null
    );
  }

  /** For operations on the authorization: every payment that was authorized has its reference. */
  requireAuthorizationReference(): string {
    const reference = this.authorizationReference;
    if (reference === null) {
      throw new IllegalPaymentTransitionError(this.status, this.status, 'it was never authorized');
    }
    return reference;
  }

  snapshot(): PaymentSnapshot {
    return structuredClone(this.state);
  }

  planCapture(): TransitionPlan {
    if (this.reachedStatus('CAPTURED')) return 'already-done';
    this.assertStatus('AUTHORIZED', 'CAPTURED', 'only an authorized payment can be captured');
    return 'call-provider';
  }

  capture(providerReference: string, at: Date): void {
    this.assertStatus('AUTHORIZED', 'CAPTURED', 'only an authorized payment can be captured');
    this.moveTo('CAPTURED', providerReference, at);
  }

  /** A declined or failed payment holds no money: voiding it has nothing to do. */
  planVoid(): TransitionPlan {
    if (this.reachedStatus('CAPTURED')) {
      throw new PaymentAlreadyCapturedError(this.orderId, this.status);
    }
    return this.status === 'AUTHORIZED' ? 'call-provider' : 'already-done';
  }

  void(providerReference: string, at: Date): void {
    if (this.reachedStatus('CAPTURED')) {
      throw new PaymentAlreadyCapturedError(this.orderId, this.status);
    }
    this.assertStatus('AUTHORIZED', 'VOIDED', 'only an authorized payment can be voided');
    this.moveTo('VOIDED', providerReference, at);
  }

  planRefund(): TransitionPlan {
    if (this.status === 'REFUNDED') return 'already-done';
    this.assertStatus('CAPTURED', 'REFUNDED', this.refusalOfRefund());
    return 'call-provider';
  }

  refund(providerReference: string, at: Date, reason: string): void {
    this.assertStatus('CAPTURED', 'REFUNDED', this.refusalOfRefund());
    this.moveTo('REFUNDED', providerReference, at, reason);
  }

  private refusalOfRefund(): string {
    return this.status === 'AUTHORIZED'
      ? 'nothing was captured (void the authorization instead)'
      : 'only a captured payment can be refunded';
  }

  private reachedStatus(status: PaymentStatus): boolean {
    return this.state.history.some((transition) => transition.status === status);
  }

  private assertStatus(expected: PaymentStatus, target: PaymentStatus, why: string): void {
    if (this.status !== expected) throw new IllegalPaymentTransitionError(this.status, target, why);
  }

  private moveTo(
    status: PaymentStatus,
    providerReference: string,
    at: Date,
    reason: string | null = null,
  ): void {
    this.state.status = status;
    this.state.history.push({ status, occurredAt: at, providerReference, reason });
  }
}
