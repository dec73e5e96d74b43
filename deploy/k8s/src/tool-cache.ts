import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';

/**
 * Where downloaded and built tools live: the provisioner's cache (tools/infra),
 * one per user, shared by every clone; `INFRA_CACHE_DIR` moves it.
 */
export const toolCacheDir = resolve(
  process.env['INFRA_CACHE_DIR'] ||
    join(process.env['XDG_CACHE_HOME'] || join(homedir(), '.cache'), 'shop-infra'),
);

/** A tool could not be had or failed: what happened, and what to do about it. */
export class DeployToolError extends Error {
  override readonly name = 'DeployToolError';

  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(hint ? `${message}\nhow to fix: ${hint}` : message);
  }
}

export interface CommandResult {
  stdout: string;
  stderr: string;
}

/** Runs a command to completion; a non-zero exit throws with the tail of its output. */
export function runCommand(
  what: string,
  command: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; hint?: string } = {},
): Promise<CommandResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd ?? tmpdir(),
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', (error) =>
      reject(new DeployToolError(`${what}: ${error.message}`, options.hint)),
    );
    child.on('close', (code) => {
      const result = {
        stdout: Buffer.concat(stdout).toString(),
        stderr: Buffer.concat(stderr).toString(),
      };
      if (code === 0) return resolvePromise(result);
      const tail = `${result.stdout}\n${result.stderr}`.trim().split('\n').slice(-15).join('\n');
      reject(new DeployToolError(`${what} failed (exit ${code}):\n${tail}`, options.hint));
    });
  });
}

export function findOnPath(executable: string): string | undefined {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, executable);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      continue;
    }
  }
  return undefined;
}

export function requireGo(forWhat: string): void {
  if (!findOnPath('go')) {
    throw new DeployToolError(
      `\`go\` is missing: it ${forWhat} (once; the result is cached in ${toolCacheDir}).`,
      'Install Go 1.24+ (Debian: apt-get install golang-go, or go.dev/dl), with the module proxy reachable (GOPROXY).',
    );
  }
}
