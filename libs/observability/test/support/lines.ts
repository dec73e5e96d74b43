/** A pino destination for tests: collects what pino writes, one JSON object per line. */
export class Lines {
  readonly written: string[] = [];

  write(chunk: string): void {
    this.written.push(...chunk.split('\n').filter(Boolean));
  }

  get parsed(): Record<string, unknown>[] {
    return this.written.map((line) => JSON.parse(line) as Record<string, unknown>);
  }
}
