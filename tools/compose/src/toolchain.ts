import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { InfraError, aptInstall, findOnPath, isRoot, run, runOrFail } from '@shop/infra';
import { log } from './log';

/**
 * Docker Compose v2 as a Go module: it is not packaged for Debian. Built once
 * from the Go module proxy (`go install …@version` refuses a module with
 * `exclude` lines, so a throwaway module requires it and copies them).
 */
export const COMPOSE_MODULE = 'github.com/docker/compose/v2';
export const COMPOSE_VERSION = 'v2.40.3';
const COMPOSE_EXCLUDES = [
  'github.com/davecgh/go-spew v1.1.2-0.20180830191138-d8f796af33cc',
  'github.com/pmezard/go-difflib v1.0.1-0.20181226105442-5d4384ee4fb2',
];

/** Downloads and builds, one per user, reused by every clone and run; `COMPOSE_TEST_CACHE_DIR` moves it. */
export const cacheDir = resolve(
  process.env['COMPOSE_TEST_CACHE_DIR'] ||
    join(process.env['XDG_CACHE_HOME'] || join(homedir(), '.cache'), 'shop-compose'),
);

/** `docker` commands with the engine chosen for this run. */
export interface DockerCli {
  env: NodeJS.ProcessEnv;
  /** The compose command: the `docker compose` plugin, or the binary built here. */
  compose: { command: string; args: string[] };
}

/** Debian packages the engine path needs, by the command each provides. */
const PACKAGES = { docker: 'docker.io', dockerd: 'docker.io', debootstrap: 'debootstrap' } as const;

/** Installs what is missing among `commands` (as root only: it is apt). */
export async function ensureCommands(commands: (keyof typeof PACKAGES)[]): Promise<void> {
  const missing = commands.filter((command) => !findOnPath(command));
  if (missing.length === 0) return;
  const packages = [...new Set(missing.map((command) => PACKAGES[command]))];
  if (!isRoot()) {
    throw new InfraError(
      `${missing.join(', ')} not found, and installing them needs root.`,
      `apt-get install ${packages.join(' ')} (as root), or start a Docker engine that \`docker info\` reaches.`,
    );
  }
  for (const name of packages) await aptInstall('compose', name);
}

/** `docker compose` when the plugin is installed; otherwise Compose v2 built into the cache. */
export async function ensureCompose(env: NodeJS.ProcessEnv): Promise<DockerCli['compose']> {
  const plugin = await run('docker', ['compose', 'version', '--short'], { env });
  if (plugin.code === 0) return { command: 'docker', args: ['compose'] };
  const binary = join(cacheDir, `compose-${COMPOSE_VERSION}`, 'docker-compose');
  if (!existsSync(binary)) await buildCompose(binary);
  return { command: binary, args: [] };
}

async function buildCompose(binary: string): Promise<void> {
  if (!findOnPath('go')) {
    throw new InfraError(
      'Neither the `docker compose` plugin nor Go (to build Compose v2) is installed.',
      'Install the Docker Compose plugin, or Go 1.24+.',
    );
  }
  log(`building Docker Compose ${COMPOSE_VERSION} from the Go module proxy (first run, ~2-4 min)`);
  const moduleDir = join(cacheDir, `compose-${COMPOSE_VERSION}.partial`);
  rmSync(moduleDir, { recursive: true, force: true });
  mkdirSync(moduleDir, { recursive: true });
  writeFileSync(
    join(moduleDir, 'go.mod'),
    [
      'module local.shop/compose-build',
      '',
      'go 1.24.9',
      '',
      `require ${COMPOSE_MODULE} ${COMPOSE_VERSION}`,
      '',
      'exclude (',
      ...COMPOSE_EXCLUDES.map((line) => `\t${line}`),
      ')',
      '',
    ].join('\n'),
  );
  await runOrFail(
    'go build Docker Compose',
    'go',
    [
      'build',
      '-trimpath',
      `-ldflags=-s -w -X ${COMPOSE_MODULE}/internal.Version=${COMPOSE_VERSION}`,
      '-o',
      'docker-compose',
      `${COMPOSE_MODULE}/cmd`,
    ],
    { cwd: moduleDir, env: { ...process.env, CGO_ENABLED: '0', GOFLAGS: '-mod=mod' } },
    'Go must reach the module proxy (GOPROXY).',
  );
  const finalDir = join(cacheDir, `compose-${COMPOSE_VERSION}`);
  rmSync(finalDir, { recursive: true, force: true });
  mkdirSync(finalDir, { recursive: true });
  renameSync(join(moduleDir, 'docker-compose'), binary);
  rmSync(moduleDir, { recursive: true, force: true });
}
