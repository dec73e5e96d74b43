export type ContractViolationReason =
  'unparseable' | 'invalid-envelope' | 'unknown-type' | 'invalid-data';

/**
 * A message that breaks its contract. Never retried: a consumer sends it to the
 * dead-letter topic with `reason` and `details`; a producer refuses to send it.
 */
export class ContractViolationError extends Error {
  constructor(
    readonly reason: ContractViolationReason,
    readonly details: string,
  ) {
    super(`${reason}: ${details}`);
    this.name = 'ContractViolationError';
  }
}
