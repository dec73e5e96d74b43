const startedAt = Date.now();

/** Progress on stderr, with the time since the run started. */
export function log(message: string): void {
  const elapsed = ((Date.now() - startedAt) / 1_000).toFixed(0).padStart(4);
  process.stderr.write(`[compose-test ${elapsed}s] ${message}\n`);
}

export const seconds = (milliseconds: number): string => `${(milliseconds / 1_000).toFixed(1)} s`;
