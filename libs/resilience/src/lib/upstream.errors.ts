/** Why an upstream could not give an answer. */
export type UnavailableReason =
  'timeout' | 'unreachable' | 'server-error' | 'circuit-open' | 'saturated';

/**
 * The upstream gave no usable answer: it timed out, refused the connection,
 * answered 5xx, or its circuit is open / its bulkhead full. Callers answer 503
 * (or fall back); they never retry on top of the client's own retries.
 */
export class UpstreamUnavailableError extends Error {
  override readonly name = 'UpstreamUnavailableError';
  /** For `server-error`: the upstream's last 5xx answer (a proxy may pass its problem on). */
  readonly response:
    | { status: number; headers: Record<string, string | string[] | undefined>; body: unknown }
    | undefined;

  constructor(
    readonly upstream: string,
    readonly reason: UnavailableReason,
    detail: string,
    options?: {
      cause?: unknown;
      response?: {
        status: number;
        headers: Record<string, string | string[] | undefined>;
        body: unknown;
      };
    },
  ) {
    super(`${upstream} is unavailable (${reason}): ${detail}`, { cause: options?.cause });
    this.response = options?.response;
  }
}
