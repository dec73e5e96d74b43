import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { startTestContainers } from './test-containers';

const workspaceRoot = resolve(__dirname, '../../../..');

/**
 * Gives every test run real servers, in this order of choice:
 * 1. settings already in the environment (`npm test` puts them there);
 * 2. testcontainers, when none is given and a Docker engine answers;
 * 3. the provisioner (`npm run infra:up`), which uses the servers given and
 *    starts the others.
 * Jest starts its workers after this, so they inherit the settings.
 */
export default async function globalSetup(): Promise<void> {
  const env = process.env;
  // Services started in a test log warnings and errors only, unless asked (LOG_LEVEL=info npm test).
  env['LOG_LEVEL'] ??= 'warn';
  const servers = ['DATABASE_URL', 'MONGODB_URL', 'KAFKA_BROKERS', 'REDIS_URL'];
  const given = servers.filter((name) => env[name]);
  if (given.length === servers.length) return;
  // Some servers given: the provisioner completes the set, server by server.
  if (given.length === 0 && env['INFRA_MODE'] !== 'native' && dockerEngineAnswers()) {
    Object.assign(env, await startTestContainers());
    return;
  }
  Object.assign(env, provisionNatively());
}

function dockerEngineAnswers(): boolean {
  return spawnSync('docker', ['info'], { stdio: 'ignore', timeout: 10_000 }).status === 0;
}

// Through the provisioner's command line: a global setup runs outside Jest's
// module resolution, so it cannot import the workspace's path aliases.
function provisionNatively(): Record<string, string> {
  const tsx = join(workspaceRoot, 'node_modules', '.bin', 'tsx');
  const cli = join(workspaceRoot, 'tools', 'infra', 'src', 'cli.ts');
  const upResult = spawnSync(tsx, [cli, 'up'], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (upResult.status !== 0) {
    throw new Error('Provisioning the test servers failed: see the [infra] lines above.');
  }
  const envResult = spawnSync(tsx, [cli, 'env'], { encoding: 'utf8' });
  if (envResult.status !== 0) throw new Error(`infra env failed: ${envResult.stderr}`);
  return Object.fromEntries(
    envResult.stdout
      .split('\n')
      .filter((line) => line.includes('='))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
}
