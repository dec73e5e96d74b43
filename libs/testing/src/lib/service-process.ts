import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const workspaceRoot = resolve(__dirname, '../../../..');

export interface ServiceProcessOptions {
  /** The app under apps/ (`order`), started from its `src/main.ts`. */
  app: string;
  env: Record<string, string>;
  /** Where `<app>-<n>.log` files go, one per start. */
  logDirectory: string;
  /** The path that answers 200 once the service is ready. */
  readyPath?: string;
  startTimeoutMs?: number;
}

/**
 * One app of the workspace as its own OS process, as it runs in production:
 * started from source (SWC keeps Nest's decorator metadata), killed with
 * SIGKILL for fault tests, started again on the same settings. Its output
 * goes to a log file per start, named in every error.
 */
export class ServiceProcess {
  private child: ChildProcess | undefined;
  private starts = 0;
  private logPath = '';

  constructor(private readonly options: ServiceProcessOptions) {
    mkdirSync(options.logDirectory, { recursive: true });
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.options.env['PORT']}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Runs another entry point of the app to completion (e.g. `migrate`, `seed`). */
  static async run(
    app: string,
    script: string,
    env: Record<string, string>,
    logDirectory: string,
  ): Promise<void> {
    mkdirSync(logDirectory, { recursive: true });
    const logPath = join(logDirectory, `${app}-${script}.log`);
    const child = spawnApp(app, script, env, logPath);
    await exitOf(child);
    if (child.exitCode !== 0) {
      throw new Error(`${app} ${script} exited with ${child.exitCode}${tailOf(logPath)}`);
    }
  }

  async start(): Promise<void> {
    this.starts += 1;
    this.logPath = join(this.options.logDirectory, `${this.options.app}-${this.starts}.log`);
    const child = spawnApp(this.options.app, 'main', this.options.env, this.logPath);
    this.child = child;
    let spawnError: Error | undefined;
    child.once('error', (error) => (spawnError = error));
    const deadline = Date.now() + (this.options.startTimeoutMs ?? 90_000);
    const readyUrl = `${this.baseUrl}${this.options.readyPath ?? '/health/ready'}`;
    for (;;) {
      if (spawnError) throw new Error(`${this.options.app} could not start: ${spawnError.message}`);
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(
          `${this.options.app} exited with ${child.exitCode ?? child.signalCode} at start${tailOf(this.logPath)}`,
        );
      }
      try {
        if ((await fetch(readyUrl)).ok) return;
      } catch {
        // Not listening yet: keep polling until the deadline.
      }
      if (Date.now() > deadline) {
        throw new Error(`${this.options.app} not ready at ${readyUrl}${tailOf(this.logPath)}`);
      }
      await new Promise((done) => setTimeout(done, 200));
    }
  }

  /** kill -9: no shutdown hook runs. */
  async kill(): Promise<void> {
    await this.signal('SIGKILL');
  }

  /** SIGTERM: a graceful shutdown. */
  async stop(): Promise<void> {
    await this.signal('SIGTERM');
  }

  private async signal(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((done) => child.once('exit', done));
    child.kill(signal);
    await exited;
  }
}

/** Settles when the child has exited; rejects if it could not be started at all. */
function exitOf(child: ChildProcess): Promise<void> {
  return new Promise((exited, failed) => {
    child.once('exit', () => exited());
    child.once('error', failed);
  });
}

/** The end of a log, for an error message: CI shows the cause, not only a path. */
function tailOf(logPath: string, lines = 20): string {
  let tail = '';
  try {
    tail = readFileSync(logPath, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    // No log yet: the path alone.
  }
  return `; see ${logPath}${tail ? `, which ends:\n${tail}` : ''}`;
}

/**
 * Starts an entry point of an app with its stdout and stderr appended to
 * `logPath` by the child itself: no pipe through this process, whose event
 * loop (a test's, a benchmark's timing loop) then has no log to copy.
 */
function spawnApp(
  app: string,
  script: string,
  env: Record<string, string>,
  logPath: string,
): ChildProcess {
  // One file for both streams, opened once: neither overwrites the other's lines.
  const log = openSync(logPath, 'w');
  try {
    return spawn(process.execPath, ['-r', '@swc-node/register', `apps/${app}/src/${script}.ts`], {
      cwd: workspaceRoot,
      env: { ...process.env, ...env, SWC_NODE_PROJECT: 'tsconfig.base.json' },
      stdio: ['ignore', log, log],
    });
  } finally {
    // The child holds its own copy of the descriptor.
    closeSync(log);
  }
}
