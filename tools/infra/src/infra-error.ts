/** A provisioning failure a person can act on: what went wrong and how to fix it. */
export class InfraError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'InfraError';
  }
}
