import { setTimeout as sleep } from 'node:timers/promises';
import { InfraError } from './infra-error';

/**
 * Polls `probe` until it resolves, or fails with the last error once `timeoutMs`
 * has passed. `abortIf` lets a caller stop early, e.g. when the server process died.
 */
export async function waitUntil<T>(
  what: string,
  probe: () => Promise<T>,
  options: { timeoutMs: number; intervalMs?: number; abortIf?: () => string | undefined },
): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  let lastError: unknown;
  for (;;) {
    const reason = options.abortIf?.();
    if (reason) throw new InfraError(`${what}: ${reason}`);
    try {
      return await probe();
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const detail = lastError instanceof Error ? lastError.message : String(lastError);
      throw new InfraError(`${what}: no answer after ${options.timeoutMs / 1000}s (${detail})`);
    }
    await sleep(options.intervalMs ?? 500);
  }
}
