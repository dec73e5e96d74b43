import {
  PaymentProviderRefusedError,
  PaymentProviderTimeoutError,
  PaymentProviderUnavailableError,
} from '../ports/payment-provider.errors';
import { ProviderCallPolicy } from './provider-call.policy';

/** A provider call that plays a script, one behaviour per attempt, and records the signals it got. */
class ScriptedCall {
  readonly signals: AbortSignal[] = [];

  constructor(
    private readonly script: ('hang' | 'ignore-deadline' | 'unavailable' | 'refuse' | 'answer')[],
  ) {}

  get attempts(): number {
    return this.signals.length;
  }

  readonly run = (signal: AbortSignal): Promise<string> => {
    this.signals.push(signal);
    const step = this.script[this.signals.length - 1];
    switch (step) {
      case 'hang':
        return new Promise((_resolve, reject) =>
          signal.addEventListener('abort', () => reject(signal.reason), { once: true }),
        );
      case 'ignore-deadline':
        return new Promise(() => undefined);
      case 'unavailable':
        return Promise.reject(new PaymentProviderUnavailableError('503 from the provider'));
      case 'refuse':
        return Promise.reject(new PaymentProviderRefusedError('unknown authorization'));
      default:
        return Promise.resolve(`answer ${this.signals.length}`);
    }
  };
}

describe('ProviderCallPolicy', () => {
  const policy = new ProviderCallPolicy({ timeoutMs: 30, maxAttempts: 3, retryDelayMs: 1 });

  it('retries a timed-out or failing call, and returns the first answer', async () => {
    const call = new ScriptedCall(['hang', 'unavailable', 'answer']);
    const observed: string[] = [];
    const observedPolicy = new ProviderCallPolicy(
      { timeoutMs: 30, maxAttempts: 3, retryDelayMs: 1 },
      (operation, outcome) => observed.push(`${operation} ${outcome}`),
    );

    await expect(observedPolicy.call('authorize', call.run)).resolves.toBe('answer 3');
    expect(call.attempts).toBe(3);
    expect(observed).toEqual(['authorize timeout', 'authorize unavailable', 'authorize answered']);
    expect(call.signals[0]?.aborted).toBe(true);
    expect(call.signals[0]?.reason).toBeInstanceOf(PaymentProviderTimeoutError);
  });

  it('gives a definite "unavailable" after the last attempt, naming the last failure', async () => {
    const call = new ScriptedCall(['hang', 'hang', 'hang']);

    const failure = await policy.call('authorize', call.run).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(PaymentProviderUnavailableError);
    expect((failure as Error).message).toMatch(/after 3 attempt\(s\); last: .*within 30 ms/);
    expect((failure as Error).cause).toBeInstanceOf(PaymentProviderTimeoutError);
    expect(call.attempts).toBe(3);
  });

  it('enforces the deadline on an adapter that ignores its signal', async () => {
    const call = new ScriptedCall(['ignore-deadline', 'answer']);

    await expect(policy.call('capture', call.run)).resolves.toBe('answer 2');
  });

  it('does not retry a refusal', async () => {
    const call = new ScriptedCall(['refuse', 'answer']);

    await expect(policy.call('capture', call.run)).rejects.toBeInstanceOf(
      PaymentProviderRefusedError,
    );
    expect(call.attempts).toBe(1);
  });
});
