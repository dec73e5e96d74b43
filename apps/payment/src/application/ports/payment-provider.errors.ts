/** A provider call that went wrong; `transient` says whether the same call may be tried again. */
export abstract class PaymentProviderError extends Error {
  abstract readonly code: string;
  abstract readonly transient: boolean;
}

/** No answer before the deadline: the provider may or may not have acted. */
export class PaymentProviderTimeoutError extends PaymentProviderError {
  readonly code = 'provider-timeout';
  readonly transient = true;
  constructor(operation: string, timeoutMs: number) {
    super(`${operation}: no answer from the payment provider within ${timeoutMs} ms`);
  }
}

/** The provider answered with an error of its own (an outage, a 5xx, a refused connection). */
export class PaymentProviderUnavailableError extends PaymentProviderError {
  readonly code = 'provider-unavailable';
  readonly transient = true;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
  }
}

/** The provider refused the request itself (e.g. an unknown authorization): retrying cannot help. */
export class PaymentProviderRefusedError extends PaymentProviderError {
  readonly code = 'provider-refused';
  readonly transient = false;
}
