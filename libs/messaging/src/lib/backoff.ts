export interface BackoffPolicy {
  initialDelayMs: number;
  maxDelayMs: number;
}

/** Exponential backoff with full jitter: attempt 1 waits up to initialDelayMs. */
export function backoffDelay(policy: BackoffPolicy, attempt: number): number {
  const ceiling = Math.min(
    policy.maxDelayMs,
    policy.initialDelayMs * 2 ** Math.max(0, attempt - 1),
  );
  return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
}
