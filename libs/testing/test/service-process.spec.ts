import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, ServiceProcess } from '../src';

describe('ServiceProcess', () => {
  const logDirectory = mkdtempSync(join(tmpdir(), 'service-process-'));

  it('names why an app could not start, with the end of its log, and keeps every line', async () => {
    // A real app on a setting its configuration refuses: it exits at start.
    const app = new ServiceProcess({
      app: 'catalog',
      env: { PORT: String(await freePort()), CATALOG_MONGODB_URL: 'not a url' },
      logDirectory,
      startTimeoutMs: 60_000,
    });

    const error = (await app.start().catch((failure: unknown) => failure)) as Error;
    expect(error.message).toMatch(
      /^catalog exited with 1 at start; see .*catalog-1\.log, which ends:\n/,
    );
    expect(error.message).toContain('CATALOG_MONGODB_URL');
    // The log file holds what the process wrote, stderr included, to its last line.
    const log = readFileSync(join(logDirectory, 'catalog-1.log'), 'utf8');
    expect(error.message.split('which ends:\n')[1]).toBe(
      log.trimEnd().split('\n').slice(-20).join('\n'),
    );
  }, 90_000);

  it('names a script that failed, with the end of its log', async () => {
    await expect(
      ServiceProcess.run('catalog', 'seed', { CATALOG_MONGODB_URL: 'not a url' }, logDirectory),
    ).rejects.toThrow(
      /^catalog seed exited with 1; see .*catalog-seed\.log, which ends:\n(.|\n)*CATALOG_MONGODB_URL/,
    );
  }, 90_000);
});
