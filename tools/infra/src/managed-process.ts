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
import { InfraError } from './infra-error';
import { logFileOf, workspacePaths } from './workspace-paths';

/** What `up` records about a server process it started, so `down` stops only that. */
export interface ProcessRecord {
  name: string;
  pid: number;
  command: string;
  logFile: string;
  startedAt: string;
  startTime?: string;
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
      startTime: startTimeOf(child.pid),
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
  } catch (error) {
    // EPERM: it exists but belongs to another user (started with sudo, say).
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  // An exited child that nobody reaped yet is a zombie: it is not running.
  const state = statFields(pid)?.[0];
  return state !== 'Z';
}

/** /proc/<pid>/stat after the command name: state, ppid, …; undefined without /proc. */
function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

// Field 22 of /proc/<pid>/stat: when the process started, in clock ticks since boot.
const startTimeOf = (pid: number): string | undefined => statFields(pid)?.[19];

// A recycled pid belongs to another program: its start time differs from the recorded one.
function isSameProcess(record: ProcessRecord): boolean {
  if (!record.startTime) return true;
  const now = startTimeOf(record.pid);
  return now === undefined || now === record.startTime;
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch (error) {
    // It exited between the check and the signal: that is what we wanted.
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
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
  return isAlive(record.pid) && isSameProcess(record) ? record : undefined;
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
  signal(record.pid, options.signal);
  const exited = async (ms: number): Promise<boolean> => {
    const deadline = Date.now() + ms;
    while (isAlive(record.pid) && Date.now() < deadline) await sleep(200);
    return !isAlive(record.pid);
  };
  if (!(await exited(options.timeoutMs))) {
    signal(record.pid, options.killSignal);
    if (!(await exited(10_000))) {
      throw new InfraError(
        `${name} (pid ${record.pid}) did not stop after ${options.signal} and ${options.killSignal}.`,
        `Look at ${record.logFile}; stop it by hand with \`kill -9 ${record.pid}\`.`,
      );
    }
  }
  rmSync(recordFile(name), { force: true });
  return 'stopped';
}

/**
 * For `waitUntil`'s `abortIf` while a server we started comes up: undefined
 * while it runs, else why to stop waiting (it exited) with the end of its log.
 */
export function exitedWithLog(name: string, logFile: string, subject = 'the server') {
  return (): string | undefined =>
    runningProcess(name) ? undefined : `${subject} exited; its log says:\n${tailOf(logFile)}`;
}

export function tailOf(file: string, lines = 20): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
