/** What the process exits with; scripts tell a mistyped command (2) from a failed one (1). */
export const ExitCode = {
  ok: 0,
  failure: 1,
  usage: 2,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * A failure the person at the terminal can act on (a bad argument, a topic or
 * dead letter that is not there): reported as one line, without a stack trace.
 */
export class DlqError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode = ExitCode.failure,
  ) {
    super(message);
    this.name = 'DlqError';
  }

  static usage(message: string): DlqError {
    return new DlqError(message, ExitCode.usage);
  }
}
