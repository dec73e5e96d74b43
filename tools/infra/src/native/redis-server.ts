import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { InfraError } from '../infra-error';
import { type InfraConfig } from '../infra-config';
import { exitedWithLog, runningProcess, startDetached, stopProcess } from '../managed-process';
import { portAnswers, probeRedis } from '../probes';
import { progress } from '../progress';
import { findOnPath, isRoot } from '../run-command';
import { waitUntil } from '../wait-until';
import { workspacePaths } from '../workspace-paths';
import { aptInstall } from './apt';

const NAME = 'redis';
const stateDir = join(workspacePaths.state, 'redis');

const findRedisServer = (): string | undefined =>
  process.env['INFRA_REDIS_SERVER'] || findOnPath('redis-server');

async function ensureRedisServer(): Promise<string> {
  let binary = findRedisServer();
  if (!binary && isRoot() && findOnPath('apt-get')) {
    await aptInstall(NAME, 'redis-server');
    binary = findRedisServer();
  }
  if (!binary) {
    throw new InfraError(
      'No `redis-server` on PATH.',
      'Install it (Debian/Ubuntu: `sudo apt-get install redis-server`; as root the provisioner does it), ' +
        'set INFRA_REDIS_SERVER to its path, or set REDIS_URL to a server you already run.',
    );
  }
  return binary;
}

/**
 * Starts a Redis server of this checkout on its own port (not the system
 * server Debian's package may run on 6379): loopback only, in the
 * foreground so its pid is the one recorded, and without persistence, since
 * it holds only rate-limit counters that expire within a window.
 */
export async function startNativeRedis(config: InfraConfig): Promise<string> {
  const url = `redis://${config.host}:${config.redisPort}`;
  if (runningProcess(NAME)) {
    const version = await waitUntil(`Redis on port ${config.redisPort}`, () => probeRedis(url), {
      timeoutMs: 15_000,
    });
    progress.ready(NAME, `Redis ${version} already running on ${config.host}:${config.redisPort}`);
    return url;
  }
  if (await portAnswers(config.host, config.redisPort)) {
    throw new InfraError(
      `Port ${config.redisPort} is taken by a process this provisioner did not start.`,
      'Stop it, set INFRA_REDIS_PORT to a free port, or set REDIS_URL to use that server.',
    );
  }
  const binary = await ensureRedisServer();
  mkdirSync(stateDir, { recursive: true });
  progress.step(NAME, `starting ${binary} on ${config.host}:${config.redisPort}`);
  const record = startDetached({
    name: NAME,
    command: binary,
    args: [
      '--bind',
      config.host,
      '--port',
      String(config.redisPort),
      '--dir',
      stateDir,
      '--daemonize',
      'no',
      '--save',
      '',
      '--appendonly',
      'no',
    ],
    cwd: stateDir,
  });
  const version = await waitUntil(`Redis on port ${config.redisPort}`, () => probeRedis(url), {
    timeoutMs: 30_000,
    abortIf: exitedWithLog(NAME, record.logFile),
  });
  progress.ready(
    NAME,
    `Redis ${version} on ${config.host}:${config.redisPort} (log: ${record.logFile})`,
  );
  return url;
}

export async function stopNativeRedis(): Promise<string> {
  return stopProcess(NAME, { signal: 'SIGTERM', timeoutMs: 15_000, killSignal: 'SIGKILL' });
}
