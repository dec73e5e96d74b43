/**
 * "New messages may be waiting": set by a NOTIFY or an in-process writer,
 * awaited by the relay with a timeout (its polling fallback). A signal that
 * arrives while the relay is busy is kept, so the next wait returns at once.
 */
export class WorkSignal {
  private pending = false;
  private wake: (() => void) | undefined;

  notify(): void {
    this.pending = true;
    this.wake?.();
  }

  /** Ends a pending wait without a signal (the relay is stopping, or lost its session). */
  interrupt(): void {
    this.wake?.();
  }

  wait(timeoutMs: number): Promise<void> {
    if (this.pending) {
      this.pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.wake = undefined;
        this.pending = false;
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.wake = done;
    });
  }
}
