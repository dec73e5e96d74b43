import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';

const workspaceRoot = resolve(__dirname, '../../../..');

export interface ScriptOutcome {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * A script of test/support as its own process, started from source as
 * `nx run <app>:serve` starts an app: its exit status and output are what
 * is under test. Only `env` reaches it, so the workspace's settings cannot.
 */
export class ScriptProcess {
  readonly exited: Promise<ScriptOutcome>;
  private readonly child: ChildProcess;

  constructor(script: string, env: Record<string, string>) {
    this.child = spawn(
      process.execPath,
      ['-r', '@swc-node/register', `libs/service-kit/test/support/${script}`],
      {
        cwd: workspaceRoot,
        env: { PATH: process.env['PATH'], SWC_NODE_PROJECT: 'tsconfig.base.json', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    this.child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    this.child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    this.exited = new Promise((done) =>
      this.child.once('close', (status) => done({ status, stdout, stderr })),
    );
  }

  /** Runs the script to its end. */
  static run(script: string, env: Record<string, string>): Promise<ScriptOutcome> {
    return new ScriptProcess(script, env).exited;
  }

  async stop(): Promise<ScriptOutcome> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    return this.exited;
  }
}
