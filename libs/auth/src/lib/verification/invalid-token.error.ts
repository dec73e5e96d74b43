export type InvalidTokenReason =
  'missing' | 'malformed' | 'expired' | 'invalid-signature' | 'invalid-claims' | 'unknown-key';

/** A request's token cannot be trusted; the edge answers 401. */
export class InvalidTokenError extends Error {
  constructor(
    readonly reason: InvalidTokenReason,
    message: string,
  ) {
    super(message);
    this.name = 'InvalidTokenError';
  }
}
