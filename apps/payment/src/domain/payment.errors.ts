import { type PaymentStatus } from './payment-status';

/** An error of the payment domain, with a stable code; the edges map codes to statuses or replies. */
export abstract class PaymentDomainError extends Error {
  abstract readonly code: string;
}

export class PaymentNotFoundError extends PaymentDomainError {
  readonly code = 'payment-not-found';
  constructor(detail = 'no such payment') {
    super(detail);
  }
}

export class PaymentAlreadyCapturedError extends PaymentDomainError {
  readonly code = 'payment-already-captured';
  constructor(orderId: string, status: PaymentStatus) {
    super(
      `the payment of order ${orderId} was already captured (now ${status}): it cannot be voided; refund it instead`,
    );
  }
}

export class IllegalPaymentTransitionError extends PaymentDomainError {
  readonly code = 'illegal-payment-transition';
  constructor(
    readonly from: PaymentStatus,
    readonly to: PaymentStatus,
    why: string,
  ) {
    super(`a ${from} payment cannot become ${to}: ${why}`);
  }
}

export class InvalidPaymentAmountError extends PaymentDomainError {
  readonly code = 'invalid-payment-amount';
  constructor(why: string) {
    super(`invalid payment amount: ${why}`);
  }
}
