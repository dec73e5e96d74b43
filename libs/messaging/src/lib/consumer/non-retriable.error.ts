/**
 * Thrown by a handler for a message that can never succeed (a business rule,
 * not an outage): it goes to the dead-letter topic at once, without retries.
 */
export class NonRetriableError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'NonRetriableError';
  }
}
