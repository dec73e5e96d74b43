import { backoffDelay } from '@shop/messaging';
import { setTimeout as sleep } from 'node:timers/promises';
import { type ProviderOperation } from './idempotency-key';
import {
  PaymentProviderError,
  PaymentProviderTimeoutError,
  PaymentProviderUnavailableError,
} from '../ports/payment-provider.errors';

export interface ProviderCallSettings {
  /** Deadline of one attempt. */
  timeoutMs: number;
  maxAttempts: number;
  /** First delay between attempts (then doubled, with jitter). */
  retryDelayMs: number;
}

export type ProviderCallOutcome = 'answered' | 'refused' | 'timeout' | 'unavailable' | 'error';

/** Sees every attempt (for metrics): what it was, how it ended, how long it took. */
export type ProviderCallObserver = (
  operation: ProviderOperation,
  outcome: ProviderCallOutcome,
  seconds: number,
) => void;

/**
 * How every provider call is made: each attempt with a deadline, transient
 * failures retried a bounded number of times (the caller keeps the
 * idempotency key the same, so a retry cannot act twice), then a definite
 * PaymentProviderUnavailableError. A refusal is not retried.
 */
export class ProviderCallPolicy {
  constructor(
    private readonly settings: ProviderCallSettings,
    private readonly observe: ProviderCallObserver = () => undefined,
  ) {}

  async call<T>(
    operation: ProviderOperation,
    attempt: (signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    const { maxAttempts, retryDelayMs } = this.settings;
    let lastFailure: PaymentProviderError | undefined;
    for (let attemptNumber = 1; attemptNumber <= maxAttempts; attemptNumber += 1) {
      try {
        return await this.observed(operation, () => this.attemptWithDeadline(operation, attempt));
      } catch (error) {
        if (!(error instanceof PaymentProviderError) || !error.transient) throw error;
        lastFailure = error;
      }
      if (attemptNumber < maxAttempts) {
        await sleep(
          backoffDelay(
            { initialDelayMs: retryDelayMs, maxDelayMs: retryDelayMs * 8 },
            attemptNumber,
          ),
        );
      }
    }
    throw new PaymentProviderUnavailableError(
      `${operation}: no definite answer from the payment provider after ${maxAttempts} attempt(s); last: ${lastFailure?.message}`,
      { cause: lastFailure },
    );
  }

  private async observed<T>(operation: ProviderOperation, attempt: () => Promise<T>): Promise<T> {
    const started = process.hrtime.bigint();
    const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
    try {
      const answer = await attempt();
      this.observe(operation, 'answered', seconds());
      return answer;
    } catch (error) {
      this.observe(operation, outcomeOf(error), seconds());
      throw error;
    }
  }

  /** Enforces the deadline even against an adapter that ignores its signal. */
  private async attemptWithDeadline<T>(
    operation: ProviderOperation,
    attempt: (signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    const deadline = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => {
        const timeout = new PaymentProviderTimeoutError(operation, this.settings.timeoutMs);
        deadline.abort(timeout);
        reject(timeout);
      }, this.settings.timeoutMs);
    });
    try {
      return await Promise.race([attempt(deadline.signal), expired]);
    } catch (error) {
      // An adapter that rejects with the abort reason (or its own AbortError) timed out.
      if (deadline.signal.aborted)
        throw new PaymentProviderTimeoutError(operation, this.settings.timeoutMs);
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }
}

function outcomeOf(error: unknown): ProviderCallOutcome {
  if (error instanceof PaymentProviderTimeoutError) return 'timeout';
  if (error instanceof PaymentProviderUnavailableError) return 'unavailable';
  if (error instanceof PaymentProviderError) return 'refused';
  return 'error';
}
