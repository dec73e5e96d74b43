import { cpus, freemem, platform, release, totalmem } from 'node:os';

/** The machine a report was measured on, for its header. */
export function describeMachine(): string {
  const cores = cpus();
  return [
    `- CPU: ${cores[0]?.model.trim() ?? 'unknown'} × ${cores.length} cores`,
    `- memory: ${(totalmem() / 2 ** 30).toFixed(1)} GiB (${(freemem() / 2 ** 30).toFixed(1)} GiB free at start)`,
    `- OS: ${platform()} ${release()}`,
    `- Node ${process.version}`,
  ].join('\n');
}
