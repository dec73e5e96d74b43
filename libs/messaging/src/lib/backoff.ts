export interface BackoffPolicy {
  initialDelayMs: number;
  maxDelayMs: number;
}

/**
 * Exponential backoff with equal jitter: attempt n waits between half and all
 * of min(maxDelayMs, initialDelayMs * 2^(n-1)), so replicas do not retry in step.
 */
export function backoffDelay(policy: BackoffPolicy, attempt: number): number {
  const ceiling = Math.min(
    policy.maxDelayMs,
    policy.initialDelayMs * 2 ** Math.max(0, attempt - 1),
  );
  return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
}
