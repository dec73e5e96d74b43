/** An order rule was broken; `code` is stable and becomes the problem type at the edge. */
export abstract class OrderDomainError extends Error {
  abstract readonly code: string;
}

export class OrderNotFoundError extends OrderDomainError {
  readonly code = 'order-not-found';
  constructor() {
    super('no such order');
  }
}

export class OrderNotCancellableError extends OrderDomainError {
  readonly code = 'order-not-cancellable';
  constructor(status: string) {
    super(
      status === 'APPROVED'
        ? 'the order is approved: its payment is being captured and its stock committed, so it can no longer be cancelled'
        : `the order is already ${status}`,
    );
  }
}

export class IllegalOrderTransitionError extends OrderDomainError {
  readonly code = 'illegal-order-transition';
  constructor(from: string, to: string) {
    super(`an order cannot go from ${from} to ${to}`);
  }
}

export class MixedCurrenciesError extends OrderDomainError {
  readonly code = 'mixed-currencies';
  constructor(currencies: string[]) {
    super(
      `one order is paid in one currency; these products are priced in ${currencies.join(', ')}`,
    );
  }
}

export class UnknownProductsError extends OrderDomainError {
  readonly code = 'unknown-products';
  constructor(readonly productIds: string[]) {
    super(`no such product: ${productIds.join(', ')}`);
  }
}

export class DuplicateLineItemError extends OrderDomainError {
  readonly code = 'duplicate-line-item';
  constructor(productId: string) {
    super(`product ${productId} appears on two lines: put its whole quantity on one`);
  }
}

export class CustomerNotFoundError extends OrderDomainError {
  readonly code = 'customer-not-found';
  constructor() {
    super('the customer account does not exist (any more)');
  }
}

export class IdempotencyKeyReusedError extends OrderDomainError {
  readonly code = 'idempotency-key-reused';
  constructor() {
    super('this Idempotency-Key was already used for a different order request');
  }
}
