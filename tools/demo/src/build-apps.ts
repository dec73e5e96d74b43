import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { APP_NAMES } from './apps';

const workspaceRoot = resolve(__dirname, '../../..');

/**
 * `nx run-many -t build` for the five apps (cached by Nx: a second run
 * restores dist/ in about a second). Nx's output goes to `logPath`.
 */
export async function buildApps(logPath: string): Promise<void> {
  const log = openSync(logPath, 'w');
  let code: number | null;
  try {
    const child = spawn(
      join(workspaceRoot, 'node_modules', '.bin', 'nx'),
      [
        'run-many',
        '-t',
        'build',
        `--projects=${APP_NAMES.join(',')}`,
        '--parallel=2',
        '--outputStyle=static',
      ],
      {
        cwd: workspaceRoot,
        env: { ...process.env, NX_TUI: 'false', NX_NO_CLOUD: 'true' },
        stdio: ['ignore', log, log],
      },
    );
    code = await new Promise<number | null>((done, fail) => {
      child.once('error', fail);
      child.once('exit', done);
    });
  } finally {
    closeSync(log);
  }
  if (code !== 0) {
    const tail = readFileSync(logPath, 'utf8').trimEnd().split('\n').slice(-30).join('\n');
    throw new Error(`the build failed (exit ${code}); see ${logPath}:\n${tail}`);
  }
}
