import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { SERVICE_NODE_FLAGS } from '@shop/demo';

const workspaceRoot = resolve(__dirname, '../../..');
const output = join(workspaceRoot, 'dist/apps/payment');

interface BuiltPackageJson {
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
  devDependencies?: unknown;
}

/**
 * `nx run <app>:build` (tools/app-build, docs/adr/0005): the payment service
 * built, installed apart from the workspace with only its production
 * dependencies, as its image does, and started far enough to read its
 * configuration. Booting built apps against real servers is
 * tools/demo/test/system.spec.ts.
 */
describe('the production build of an app', () => {
  // Outside the workspace, so no package can come from its node_modules.
  const installed = mkdtempSync(join(tmpdir(), 'payment-build-'));

  beforeAll(() => {
    const build = spawnSync(
      join(workspaceRoot, 'node_modules/.bin/nx'),
      ['run', 'payment:build', '--outputStyle=static'],
      {
        cwd: workspaceRoot,
        encoding: 'utf8',
        env: { ...process.env, NX_TUI: 'false', FORCE_COLOR: '0' },
      },
    );
    // The exit status decides; the output comes along to explain a failure.
    expect({ status: build.status, output: build.stderr + build.stdout }).toMatchObject({
      status: 0,
    });
    cpSync(output, installed, { recursive: true });
    const install = spawnSync(
      'npm',
      ['ci', '--omit=dev', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'],
      { cwd: installed, encoding: 'utf8' },
    );
    expect(install.stderr).toBe('');
    expect(install.status).toBe(0);
  });

  afterAll(() => rmSync(installed, { recursive: true, force: true }));

  it('holds the entry points and only the library code they import, without tests', () => {
    const files = readdirSync(output, { recursive: true }).map(String);

    expect(files).toEqual(
      expect.arrayContaining(['apps/payment/src/main.js', 'apps/payment/src/migrate.js']),
    );
    expect(files.filter((file) => file.endsWith('.ts'))).toEqual([]);
    expect(files.filter((file) => /\.spec\.js$|(^|\/)test\//.test(file))).toEqual([]);
    expect(files.filter((file) => file.startsWith('libs/testing'))).toEqual([]);
    expect(existsSync(join(output, 'libs/auth/src/index.js'))).toBe(true);
  });

  it('keeps the decorator metadata that Nest’s dependency injection reads', () => {
    const guard = readFileSync(join(output, 'libs/auth/src/lib/nest/jwt-auth.guard.js'), 'utf8');

    expect(guard).toContain('_ts_metadata("design:paramtypes"');
    expect(guard).not.toContain('@shop/');
  });

  it('declares only the production packages the payment service loads, at the workspace’s versions', () => {
    const root = JSON.parse(readFileSync(join(workspaceRoot, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    const built = JSON.parse(
      readFileSync(join(output, 'package.json'), 'utf8'),
    ) as BuiltPackageJson;

    expect(built.devDependencies).toBeUndefined();
    expect(Object.keys(built.dependencies)).toEqual(
      expect.arrayContaining(['@nestjs/core', '@nestjs/platform-express', 'pg', 'typeorm']),
    );
    expect(Object.keys(built.dependencies)).not.toContain('mongoose');
    for (const [name, version] of Object.entries(built.dependencies)) {
      expect({ name, version }).toEqual({ name, version: root.dependencies[name] });
    }
    expect(built.scripts['start']).toBe(
      ['node', ...SERVICE_NODE_FLAGS, 'apps/payment/src/main.js'].join(' '),
    );
    expect(built.scripts['migrate']).toBe('node apps/payment/src/migrate.js');
    expect(existsSync(join(output, 'package-lock.json'))).toBe(true);
  });

  it('starts from the installed output and stops on a missing setting with the app’s message', () => {
    const env: NodeJS.ProcessEnv = { PATH: process.env['PATH'], KAFKA_BROKERS: '127.0.0.1:9' };
    const run = spawnSync(process.execPath, ['apps/payment/src/main.js'], {
      cwd: installed,
      env,
      encoding: 'utf8',
      timeout: 30_000,
    });

    expect(run.status).toBe(1);
    expect(run.stderr.trim()).toBe(
      'payment service failed to start: invalid configuration: ' +
        'PAYMENT_DATABASE_URL: Invalid input: expected string, received undefined',
    );
  });
});
