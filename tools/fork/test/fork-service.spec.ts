import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { forkService } from '../src/fork-service';

const workspaceRoot = resolve(__dirname, '../../..');

describe('forking a service out of the monorepo (docs/fork-a-service.md)', () => {
  const parent = mkdtempSync(join(tmpdir(), 'fork-'));
  const directory = join(parent, 'payment-service');

  afterAll(() => rmSync(parent, { recursive: true, force: true }));

  it('copies the app with exactly the libraries it depends on, and a package.json of its own', async () => {
    const fork = await forkService('payment', directory);
    expect(fork.projects).toEqual(
      expect.arrayContaining([
        'contracts',
        'messaging',
        'auth',
        'http',
        'observability',
        'service-kit',
      ]),
    );
    expect(fork.projects).not.toEqual(expect.arrayContaining(['saga', 'resilience']));
    expect(existsSync(join(directory, 'apps/payment/src/main.ts'))).toBe(true);
    expect(existsSync(join(directory, 'apps/order'))).toBe(false);
    expect(existsSync(join(directory, 'libs/saga'))).toBe(false);

    const manifest = JSON.parse(readFileSync(join(directory, 'package.json'), 'utf8'));
    expect(manifest.name).toBe('payment-service');
    expect(Object.keys(manifest.dependencies)).toEqual(
      expect.arrayContaining([
        '@nestjs/core',
        'typeorm',
        'pg',
        'kafkajs',
        'zod',
        'reflect-metadata',
      ]),
    );
    // A real `npm install` must bring the types strict mode needs.
    expect(Object.keys(manifest.devDependencies)).toEqual(
      expect.arrayContaining(['@types/pg', '@types/jest']),
    );
    // Not used by payment: the catalog's and the gateway's libraries stay behind.
    expect(Object.keys(manifest.dependencies)).not.toEqual(expect.arrayContaining(['opossum']));
    expect(Object.keys(manifest.dependencies)).not.toContain('mongoose');
    const paths = Object.keys(
      JSON.parse(readFileSync(join(directory, 'tsconfig.base.json'), 'utf8')).compilerOptions.paths,
    );
    expect(paths).toContain('@shop/messaging');
    expect(paths).not.toContain('@shop/saga');
  });

  it('type-checks and passes its unit tests on its own (with the same packages installed)', () => {
    // The fork's `npm install` would fetch exactly these versions; the monorepo's copy stands in.
    symlinkSync(join(workspaceRoot, 'node_modules'), join(directory, 'node_modules'), 'dir');
    const run = (command: string, args: string[]) =>
      spawnSync(command, args, { cwd: directory, encoding: 'utf8', env: process.env });
    const typecheck = run('npx', ['tsc', '-p', 'apps/payment/tsconfig.json', '--noEmit']);
    expect(typecheck.stdout + typecheck.stderr).toBe('');
    expect(typecheck.status).toBe(0);
    const tests = run('npx', ['jest', '-c', 'apps/payment/jest.config.cjs', 'src']);
    expect(tests.stderr).toMatch(/Tests:\s+\d+ passed, \d+ total/);
    expect(tests.status).toBe(0);
  });
});
