/**
 * A setting is missing or bad. Its message names every problem, so start-up
 * prints it alone, without a stack (see `bootstrapService`).
 */
export class InvalidConfigurationError extends Error {
  override readonly name = 'InvalidConfigurationError';

  constructor(problem: string) {
    super(`invalid configuration: ${problem}`);
  }
}
