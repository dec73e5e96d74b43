import { readFileSync } from 'node:fs';
import { cpuTicksOfTree, TICKS_PER_SECOND } from '../machine';

/** A process the benchmark accounts for: an app, a server, or the load generator itself. */
export interface WatchedProcess {
  name: string;
  /** Undefined while it is not running (a crashed app): it reads as no CPU. */
  pid: () => number | undefined;
}

/** CPU seconds used so far by each watched process (with its children: PostgreSQL's backends). */
export type CpuSnapshot = ReadonlyMap<string, number>;

export function cpuSnapshot(processes: readonly WatchedProcess[]): CpuSnapshot {
  const snapshot = new Map<string, number>();
  for (const { name, pid } of processes) {
    const id = pid();
    if (id === undefined) continue;
    // The load generator runs here: /proc/self would count the same, process.cpuUsage is exact.
    const seconds = id === process.pid ? ownCpuSeconds() : ticksOrNaN(id) / TICKS_PER_SECOND;
    snapshot.set(name, seconds);
  }
  return snapshot;
}

/** CPU seconds each process used between two snapshots. */
export function cpuBetween(before: CpuSnapshot, after: CpuSnapshot): Map<string, number> {
  const used = new Map<string, number>();
  for (const [name, seconds] of after) used.set(name, seconds - (before.get(name) ?? seconds));
  return used;
}

/** Resident set size in MiB now, and its peak (VmHWM), from /proc. */
export function memoryOf(pid: number | undefined): { rss: number; peak: number } {
  if (!pid) return { rss: Number.NaN, peak: Number.NaN };
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) =>
    Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
  return { rss: kib('VmRSS') / 1024, peak: kib('VmHWM') / 1024 };
}

function ownCpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

function ticksOrNaN(pid: number): number {
  try {
    return cpuTicksOfTree(pid);
  } catch {
    // It exited between the look-up and the read.
    return Number.NaN;
  }
}
