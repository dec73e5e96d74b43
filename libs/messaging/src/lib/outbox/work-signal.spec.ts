import { WorkSignal } from './work-signal';

describe('WorkSignal', () => {
  it('returns at once when a signal arrived while nobody waited, then waits again', async () => {
    const signal = new WorkSignal();
    signal.notify();

    const started = Date.now();
    await signal.wait(5_000);
    const second = await Promise.race([
      signal.wait(200).then(() => 'timeout'),
      new Promise((r) => setTimeout(() => r('still waiting'), 50)),
    ]);

    expect(Date.now() - started).toBeLessThan(1_000);
    expect(second).toBe('still waiting');
  });

  it('wakes a waiter on notify, and on interrupt, long before its timeout', async () => {
    const signal = new WorkSignal();
    const started = Date.now();

    const notified = signal.wait(10_000);
    signal.notify();
    await notified;
    const interrupted = signal.wait(10_000);
    signal.interrupt();
    await interrupted;

    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('falls back to the timeout without any signal', async () => {
    const started = Date.now();

    await new WorkSignal().wait(100);

    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
  });
});
