import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync, closeSync, openSync, readFileSync } from 'node:fs';
import { type AppName, SERVICE_NODE_FLAGS } from './apps';

/**
 * How a crashed app is started again, like a container runtime's
 * `restart: always`: after `initialDelayMs`, doubling per consecutive crash up
 * to `maxDelayMs`; a run that lasted `resetAfterMs` starts the count again.
 */
export interface RestartPolicy {
  initialDelayMs: number;
  maxDelayMs: number;
  resetAfterMs: number;
}

export const DEFAULT_RESTART_POLICY: RestartPolicy = {
  initialDelayMs: 1_000,
  maxDelayMs: 30_000,
  resetAfterMs: 60_000,
};

export interface SupervisedAppOptions {
  name: AppName;
  /** The built entry point (`dist/apps/<app>/apps/<app>/src/main.js`). */
  entry: string;
  port: number;
  env: NodeJS.ProcessEnv;
  /** Every start appends to this one file. */
  logPath: string;
  restartPolicy: RestartPolicy;
  /** How long SIGTERM may take before SIGKILL. */
  stopGraceMs: number;
  report: (message: string) => void;
  onSpawn?: (pid: number) => void;
}

/**
 * One app as its own OS process, kept running: a process that exits while it
 * is wanted is started again with backoff. Its output goes straight to its log
 * file (not through this process), so nothing is lost if the supervisor dies.
 */
export class SupervisedApp {
  private child: ChildProcess | undefined;
  private wanted = false;
  private crashesInARow = 0;
  private startedAt = 0;
  private restartTimer: NodeJS.Timeout | undefined;
  private restartCount = 0;
  private stopping: Promise<void> | undefined;

  constructor(private readonly options: SupervisedAppOptions) {}

  get name(): AppName {
    return this.options.name;
  }

  /** `http://127.0.0.1:<port>`: where the app listens (loopback only, see system.ts). */
  get url(): string {
    return `http://127.0.0.1:${this.options.port}`;
  }

  get logPath(): string {
    return this.options.logPath;
  }

  /** The running process's id; undefined while it is down. */
  get pid(): number | undefined {
    return this.isRunning() ? this.child?.pid : undefined;
  }

  /** When the current (or last) process was started, in ms since the epoch; 0 before the first. */
  get lastStartedAt(): number {
    return this.startedAt;
  }

  /** How many times the supervisor started the app again after it died. */
  get restarts(): number {
    return this.restartCount;
  }

  start(): void {
    this.wanted = true;
    if (!this.isRunning() && !this.restartTimer) this.spawn();
  }

  /** Polls `/health/ready` until it answers 200, through restarts, or fails with the log's end. */
  async waitUntilReady(timeoutMs = 90_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const readyUrl = `http://127.0.0.1:${this.options.port}/health/ready`;
    while (this.wanted) {
      if (this.isRunning()) {
        try {
          const response = await fetch(readyUrl, { signal: AbortSignal.timeout(2_000) });
          if (response.ok) return;
        } catch {
          // Not listening yet (or between two starts): ask again until the deadline.
        }
      }
      if (Date.now() > deadline) {
        throw new Error(
          `${this.name} was not ready at ${readyUrl} within ${timeoutMs / 1000} s; ` +
            `the end of ${this.logPath}:\n${this.logTail()}`,
        );
      }
      await delay(250);
    }
    throw new Error(`${this.name} was stopped while waiting for it to be ready`);
  }

  /**
   * Sends a signal (SIGKILL by default: no shutdown hook runs) and resolves
   * when the process is gone. The app stays wanted, so the supervisor starts
   * it again, as it would after a crash: that is what fault drills test.
   */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.child;
    if (!child || !this.isRunning()) return;
    const exited = new Promise((done) => child.once('exit', done));
    child.kill(signal);
    await exited;
  }

  /** A graceful stop: SIGTERM, then SIGKILL after the grace period. The app stays down. */
  stop(): Promise<void> {
    this.wanted = false;
    clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    const child = this.child;
    if (!child || !this.isRunning()) return Promise.resolve();
    // A second SIGTERM would cut Nest's shutdown hooks short: share the stop under way.
    this.stopping ??= this.terminate(child).finally(() => {
      this.stopping = undefined;
    });
    return this.stopping;
  }

  private async terminate(child: ChildProcess): Promise<void> {
    const exited = new Promise((done) => child.once('exit', done));
    child.kill('SIGTERM');
    const forced = setTimeout(() => {
      this.options.report(
        `${this.name} did not stop within ${this.options.stopGraceMs / 1000} s: SIGKILL`,
      );
      child.kill('SIGKILL');
    }, this.options.stopGraceMs);
    await exited;
    clearTimeout(forced);
  }

  /** Stops gracefully and starts again at once (a deliberate restart: no backoff). */
  async restart(): Promise<void> {
    await this.stop();
    this.crashesInARow = 0;
    this.start();
  }

  /** The last resort when the supervisor itself exits: synchronous, no grace. */
  killNow(): void {
    this.wanted = false;
    clearTimeout(this.restartTimer);
    if (this.isRunning()) this.child?.kill('SIGKILL');
  }

  private isRunning(): boolean {
    return (
      this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null
    );
  }

  private spawn(): void {
    this.restartTimer = undefined;
    appendFileSync(
      this.logPath,
      `\n=== ${new Date().toISOString()} starting ${this.name} on port ${this.options.port}\n`,
    );
    const log = openSync(this.logPath, 'a');
    try {
      // Its own process group: Ctrl-C reaches the supervisor only, which stops
      // the apps in order instead of racing their restarts.
      this.child = spawn(process.execPath, [...SERVICE_NODE_FLAGS, this.options.entry], {
        env: this.options.env,
        stdio: ['ignore', log, log],
        detached: true,
      });
    } finally {
      closeSync(log);
    }
    this.startedAt = Date.now();
    const child = this.child;
    child.once('error', (error) => {
      this.options.report(`${this.name} could not be started: ${error.message}`);
    });
    child.once('exit', (code, signal) => this.onExit(child, code, signal));
    if (child.pid !== undefined) this.options.onSpawn?.(child.pid);
  }

  private onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    appendFileSync(
      this.logPath,
      `=== ${new Date().toISOString()} ${this.name} exited (${signal ?? `code ${code}`})\n`,
    );
    if (!this.wanted || child !== this.child) return;
    const { initialDelayMs, maxDelayMs, resetAfterMs } = this.options.restartPolicy;
    if (Date.now() - this.startedAt >= resetAfterMs) this.crashesInARow = 0;
    const wait = Math.min(maxDelayMs, initialDelayMs * 2 ** this.crashesInARow);
    this.crashesInARow += 1;
    this.restartCount += 1;
    this.options.report(
      `${this.name} exited (${signal ?? `code ${code}`}); restarting it in ${formatSeconds(wait)} ` +
        `(restart ${this.restartCount}; log: ${this.logPath})`,
    );
    this.restartTimer = setTimeout(() => this.spawn(), wait);
  }

  private logTail(lines = 15): string {
    try {
      return readFileSync(this.logPath, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch (error) {
      return `(unreadable: ${error instanceof Error ? error.message : String(error)})`;
    }
  }
}

export function formatSeconds(milliseconds: number): string {
  return `${(milliseconds / 1000).toFixed(milliseconds < 10_000 ? 1 : 0)} s`;
}

function delay(milliseconds: number): Promise<void> {
  return new Promise((done) => setTimeout(done, milliseconds));
}
