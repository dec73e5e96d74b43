import { readFileSync } from 'node:fs';
import { cpus, freemem, loadavg, platform, release, totalmem } from 'node:os';

/** The machine a report was measured on, for its header. */
export function describeMachine(): string {
  const cores = cpus();
  return [
    `- CPU: ${cores[0]?.model.trim() ?? 'unknown'} × ${cores.length} cores`,
    `- memory: ${(totalmem() / 2 ** 30).toFixed(1)} GiB (${(freemem() / 2 ** 30).toFixed(1)} GiB free at start)`,
    `- OS: ${platform()} ${release()}`,
    `- Node ${process.version}`,
    // Other work on the machine takes cores from the run: say how busy it was.
    `- load average at start: ${loadavg()
      .map((load) => load.toFixed(2))
      .join(', ')} (1, 5, 15 min)`,
  ].join('\n');
}

/** Linux's USER_HZ: /proc reports CPU times in these ticks. */
export const TICKS_PER_SECOND = 100;

/**
 * CPU ticks (user + system) a process and its descendants used so far, from
 * /proc: its own, its children's that exited and were waited for (PostgreSQL's
 * postmaster reaps every backend that ends), and its live descendants'.
 */
export function cpuTicksOfTree(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime, stime, cutime, cstime: fields 14–17 of stat, 12–15 after the command name.
  const own = Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
  let children: number[] = [];
  try {
    children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .trim()
      .split(' ')
      .filter(Boolean)
      .map(Number);
  } catch (error) {
    // Kernels without CONFIG_PROC_CHILDREN: the process alone is counted.
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  return own + children.reduce((sum, child) => sum + cpuTicksOfTree(child), 0);
}
