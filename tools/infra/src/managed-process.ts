import { spawn } from 'node:child_process';
import {
  appendFileSync,
  closeSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { logFileOf, workspacePaths } from './workspace-paths';

/** What `up` records about a server process it started, so `down` stops only that. */
export interface ProcessRecord {
  name: string;
  pid: number;
  command: string;
  logFile: string;
  startedAt: string;
}

export interface ProcessSpec {
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  uid?: number;
  gid?: number;
}

const recordFile = (name: string): string => join(workspacePaths.run, `${name}.json`);

export function startDetached(spec: ProcessSpec): ProcessRecord {
  mkdirSync(workspacePaths.logs, { recursive: true });
  mkdirSync(workspacePaths.run, { recursive: true });
  const logFile = logFileOf(spec.name);
  const out = openSync(logFile, 'a');
  try {
    const child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: spec.env ?? process.env,
      uid: spec.uid,
      gid: spec.gid,
      detached: true,
      stdio: ['ignore', out, out],
    });
    // A failed exec is reported asynchronously: note it in the log, where readiness checks look.
    child.once('error', (error) =>
      appendFileSync(logFile, `could not start ${spec.command}: ${error.message}\n`),
    );
    if (child.pid === undefined) throw new Error(`could not start ${spec.command}`);
    child.unref();
    const record: ProcessRecord = {
      name: spec.name,
      pid: child.pid,
      command: spec.command,
      logFile,
      startedAt: new Date().toISOString(),
    };
    writeFileSync(recordFile(spec.name), JSON.stringify(record, null, 2));
    return record;
  } finally {
    closeSync(out);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // An exited child that nobody reaped yet is a zombie: it is not running.
  try {
    const status = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !status.includes(') Z ');
  } catch {
    return true;
  }
}

// A recycled pid belongs to another program: compare the command line.
function matchesCommand(record: ProcessRecord): boolean {
  try {
    const cmdline = readFileSync(`/proc/${record.pid}/cmdline`, 'utf8').split('\0');
    return cmdline.some((part) => part === record.command || part.endsWith(`/${record.command}`));
  } catch {
    return true; // no /proc (macOS): trust the pid check
  }
}

/** The record of a process we started that is still running, else undefined. */
export function runningProcess(name: string): ProcessRecord | undefined {
  let record: ProcessRecord;
  try {
    record = JSON.parse(readFileSync(recordFile(name), 'utf8')) as ProcessRecord;
  } catch {
    return undefined;
  }
  return isAlive(record.pid) && matchesCommand(record) ? record : undefined;
}

export function isRunning(record: ProcessRecord): boolean {
  return isAlive(record.pid);
}

/** Stops a process we started: `signal` first, `killSignal` after `timeoutMs`. */
export async function stopProcess(
  name: string,
  options: { signal: NodeJS.Signals; timeoutMs: number; killSignal: NodeJS.Signals },
): Promise<'stopped' | 'not-running'> {
  const record = runningProcess(name);
  if (!record) {
    rmSync(recordFile(name), { force: true });
    return 'not-running';
  }
  process.kill(record.pid, options.signal);
  const deadline = Date.now() + options.timeoutMs;
  while (isAlive(record.pid) && Date.now() < deadline) await sleep(200);
  if (isAlive(record.pid)) {
    process.kill(record.pid, options.killSignal);
    while (isAlive(record.pid)) await sleep(200);
  }
  rmSync(recordFile(name), { force: true });
  return 'stopped';
}

export function tailOf(file: string, lines = 20): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
