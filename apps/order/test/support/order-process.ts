import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { join, resolve } from 'node:path';
import { waitFor } from './wait-for';

const root = resolve(__dirname, '../../../..');

/** The order service as its own OS process (as in production), to be killed with SIGKILL and started again. */
export class OrderProcess {
  private child: ChildProcess | undefined;
  private starts = 0;

  constructor(
    private readonly env: Record<string, string>,
    private readonly logDirectory: string,
  ) {}

  get baseUrl(): string {
    return `http://127.0.0.1:${this.env['PORT']}`;
  }

  async start(): Promise<void> {
    this.starts += 1;
    const log = createWriteStream(join(this.logDirectory, `order-${this.starts}.log`));
    const child = spawn(process.execPath, ['-r', '@swc-node/register', 'apps/order/src/main.ts'], {
      cwd: root,
      env: { ...process.env, ...this.env, SWC_NODE_PROJECT: 'tsconfig.base.json' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    this.child = child;
    await waitFor(
      'the order process to be ready',
      async () => {
        if (child.exitCode !== null)
          throw new Error(`exited with ${child.exitCode}; see ${log.path}`);
        const response = await fetch(`${this.baseUrl}/health/ready`);
        return response.ok ? true : undefined;
      },
      60_000,
    );
  }

  /** kill -9: no shutdown hook runs, nothing is flushed. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
}
