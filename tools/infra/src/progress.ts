// Progress goes to stderr so that stdout stays machine-readable (`infra env`).
const write = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

export const progress = {
  step: (server: string, message: string): void => write(`[infra] ${server}: ${message}`),
  ready: (server: string, message: string): void => write(`[infra] ${server}: ready, ${message}`),
  warn: (message: string): void => write(`[infra] warning: ${message}`),
};
