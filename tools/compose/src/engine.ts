import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { InfraError, findOnPath, isRoot, waitUntil } from '@shop/infra';
import { log } from './log';
import { cacheDir, ensureCommands } from './toolchain';

/**
 * The engine this run starts when none answers: on a socket of its own, not
 * /var/run/docker.sock, so that nothing else on the machine sees a Docker
 * engine appear (tools/infra switches to Docker when `docker info` answers,
 * and other test runs on this machine must keep their native servers).
 * Images and build cache live under the cache directory and outlive the engine.
 */
const runDir = '/run/shop-compose';
const own = {
  socket: join(runDir, 'docker.sock'),
  pidFile: join(runDir, 'dockerd.pid'),
  execRoot: join(runDir, 'exec'),
  dataRoot: join(cacheDir, 'engine'),
  logFile: join(cacheDir, 'dockerd.log'),
};

export interface Engine {
  /** The environment `docker` and compose commands run with (DOCKER_HOST for our own engine). */
  env: NodeJS.ProcessEnv;
  description: string;
  /** Stops the engine if this run owns it; an engine that was there already is left alone. */
  release(): Promise<void>;
}

export function engineAnswers(env: NodeJS.ProcessEnv = process.env): boolean {
  if (!findOnPath('docker')) return false;
  const result = spawnSync('docker', ['info', '--format', '{{.ServerVersion}}'], {
    env,
    stdio: 'ignore',
    timeout: 10_000,
  });
  return result.status === 0;
}

/** An engine that answers: the one `docker` already reaches, else one this run starts (as root). */
export async function ensureEngine(options: { keepRunning: boolean }): Promise<Engine> {
  if (engineAnswers()) {
    return {
      env: process.env,
      description: 'the Docker engine `docker info` reaches',
      release: async () => undefined,
    };
  }
  const env = { ...process.env, DOCKER_HOST: `unix://${own.socket}` };
  const release = async () => {
    if (options.keepRunning) log(`leaving the engine running (DOCKER_HOST=${env.DOCKER_HOST})`);
    else await stopOwnEngine();
  };
  if (engineAnswers(env)) {
    return { env, description: `this tool's engine on ${own.socket} (still running)`, release };
  }
  if (!isRoot()) {
    throw new InfraError(
      'No Docker engine answers `docker info`, and starting one needs root.',
      'Start Docker (or set DOCKER_HOST), or run as root to let this tool install and start one.',
    );
  }
  await ensureCommands(['docker', 'dockerd']);
  await startOwnEngine(env);
  return { env, description: `this tool's engine on ${own.socket}`, release };
}

async function startOwnEngine(env: NodeJS.ProcessEnv): Promise<void> {
  mkdirSync(runDir, { recursive: true });
  mkdirSync(own.dataRoot, { recursive: true });
  log(`starting dockerd on ${own.socket} (data in ${own.dataRoot}, log ${own.logFile})`);
  const output = openSync(own.logFile, 'a');
  const dockerd = spawn(
    'dockerd',
    [
      `--host=unix://${own.socket}`,
      `--pidfile=${own.pidFile}`,
      `--exec-root=${own.execRoot}`,
      `--data-root=${own.dataRoot}`,
    ],
    { detached: true, stdio: ['ignore', output, output] },
  );
  closeSync(output);
  let exited: string | undefined;
  dockerd.on('exit', (code, signal) => {
    exited = `dockerd exited (${code ?? signal}); see ${own.logFile}`;
  });
  dockerd.unref();
  await waitUntil(
    'the Docker engine',
    async () => {
      if (!engineAnswers(env)) throw new Error('`docker info` does not answer yet');
    },
    { timeoutMs: 60_000, intervalMs: 500, abortIf: () => exited },
  );
}

async function stopOwnEngine(): Promise<void> {
  if (!existsSync(own.pidFile)) return;
  const pid = Number(readFileSync(own.pidFile, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 0) return;
  const alive = () => existsSync(`/proc/${pid}`);
  if (!alive()) return;
  log(`stopping this tool's engine (dockerd, pid ${pid})`);
  process.kill(pid, 'SIGTERM');
  for (let waited = 0; alive() && waited < 30_000; waited += 250) await sleep(250);
  if (alive()) process.kill(pid, 'SIGKILL');
}
