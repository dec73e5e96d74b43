import { spawnSync } from 'node:child_process';
import {
  chownSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { type Credentials, updateAdminPassword } from '../credentials';
import { InfraError } from '../infra-error';
import { type InfraConfig } from '../infra-config';
import { exitedWithLog, runningProcess, startDetached, stopProcess } from '../managed-process';
import { portAnswers, probePostgres } from '../probes';
import { progress } from '../progress';
import { findOnPath, isRoot, runOrFail } from '../run-command';
import { waitUntil } from '../wait-until';
import { workspacePaths } from '../workspace-paths';
import { aptInstall } from './apt';

const NAME = 'postgres';

interface RunAs {
  uid?: number;
  gid?: number;
  home: string;
}

/** Debian's server binaries: /usr/lib/postgresql/<major>/bin, newest first; else PATH. */
function findBinDir(): string | undefined {
  const override = process.env['INFRA_POSTGRES_BIN_DIR'];
  if (override) return override;
  const debianRoot = '/usr/lib/postgresql';
  if (existsSync(debianRoot)) {
    const majors = readdirSync(debianRoot)
      .filter((entry) => existsSync(join(debianRoot, entry, 'bin', 'postgres')))
      .sort((a, b) => Number(b) - Number(a));
    if (majors[0]) return join(debianRoot, majors[0], 'bin');
  }
  const onPath = findOnPath('postgres');
  return onPath ? dirname(realpathSync(onPath)) : undefined;
}

async function installWithApt(): Promise<void> {
  // Debian's package would create and start a `main` cluster on 5432: ours owns that port.
  mkdirSync('/etc/postgresql-common', { recursive: true });
  const createClusterConf = '/etc/postgresql-common/createcluster.conf';
  if (!existsSync(createClusterConf))
    writeFileSync(createClusterConf, 'create_main_cluster = false\n');
  await aptInstall(NAME, 'postgresql');
}

async function ensureBinDir(): Promise<string> {
  let binDir = findBinDir();
  if (!binDir && isRoot() && findOnPath('apt-get')) {
    await installWithApt();
    binDir = findBinDir();
  }
  if (!binDir) {
    throw new InfraError(
      'PostgreSQL server binaries (postgres, initdb) were not found.',
      'Install them (Debian/Ubuntu: `sudo apt-get install postgresql`; as root the provisioner does it), ' +
        'or set DATABASE_URL to a server you already run.',
    );
  }
  return binDir;
}

/**
 * PostgreSQL refuses to run as root. As root the cluster runs as Debian's
 * `postgres` system user, with its data under that user's home (a checkout
 * under /root would not be reachable by it); otherwise as the current user in
 * `.infra/postgres`.
 */
function runAs(): RunAs {
  if (!isRoot()) return { home: join(workspacePaths.state, 'postgres') };
  const entry = spawnSync('getent', ['passwd', 'postgres'], { encoding: 'utf8' }).stdout.trim();
  const [, , uid, gid, , home] = entry.split(':');
  if (!uid || !gid || !home) {
    throw new InfraError(
      'Running as root, but there is no `postgres` system user to run PostgreSQL as.',
      "Install Debian's postgresql package (it creates the user), or run as a normal user.",
    );
  }
  return { uid: Number(uid), gid: Number(gid), home: join(home, 'shop-infra', workspacePaths.id) };
}

function dataDirOf(user: RunAs): string {
  return join(user.home, 'data');
}

async function initCluster(binDir: string, user: RunAs, credentials: Credentials): Promise<void> {
  const dataDir = dataDirOf(user);
  progress.step(NAME, `creating a cluster in ${dataDir}`);
  for (const dir of [dirname(user.home), user.home]) {
    // The parent of `shop-infra` is the run user's home, which exists (getent gave it).
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (user.uid !== undefined && user.gid !== undefined) chownSync(dir, user.uid, user.gid);
  }
  const pwFile = join(user.home, '.initdb-password');
  writeFileSync(pwFile, credentials.postgresAdmin, { mode: 0o600 });
  if (user.uid !== undefined && user.gid !== undefined) chownSync(pwFile, user.uid, user.gid);
  try {
    await runOrFail(
      'initdb',
      join(binDir, 'initdb'),
      [
        '--pgdata',
        dataDir,
        '--username',
        'postgres',
        `--pwfile=${pwFile}`,
        '--auth-host=scram-sha-256',
        '--auth-local=scram-sha-256',
        '--encoding=UTF8',
        '--locale=C',
      ],
      { uid: user.uid, gid: user.gid, cwd: user.home },
    );
  } finally {
    rmSync(pwFile, { force: true });
  }
  writeFileSync(join(user.home, 'admin-password'), credentials.postgresAdmin, { mode: 0o600 });
}

export function postgresAdminUrl(config: InfraConfig, credentials: Credentials): string {
  const password = encodeURIComponent(credentials.postgresAdmin);
  return `postgres://postgres:${password}@${config.host}:${config.postgresPort}/postgres`;
}

/**
 * The admin password is kept beside the cluster, not only in `.infra/`: the
 * cluster (as root, under ~postgres) outlives a removed `.infra/`, and must
 * keep answering to the password it was created with.
 */
function adoptClusterPassword(user: RunAs, credentials: Credentials): void {
  const file = join(user.home, 'admin-password');
  if (!existsSync(join(dataDirOf(user), 'PG_VERSION'))) return;
  if (!existsSync(file)) {
    throw new InfraError(
      `The cluster in ${dataDirOf(user)} has no ${file}, so its admin password is unknown.`,
      `Remove ${user.home} to let \`infra up\` create a new cluster (its data is lost).`,
    );
  }
  updateAdminPassword(credentials, readFileSync(file, 'utf8').trim());
}

export async function startNativePostgres(
  config: InfraConfig,
  credentials: Credentials,
): Promise<string> {
  const user = runAs();
  adoptClusterPassword(user, credentials);
  const url = postgresAdminUrl(config, credentials);
  if (runningProcess(NAME)) {
    await waitUntil(`PostgreSQL on port ${config.postgresPort}`, () => probePostgres(url), {
      timeoutMs: 30_000,
    });
    progress.ready(NAME, `already running on ${config.host}:${config.postgresPort}`);
    return url;
  }
  if (await portAnswers(config.host, config.postgresPort)) {
    throw new InfraError(
      `Port ${config.postgresPort} is taken by a process this provisioner did not start.`,
      'Stop it (e.g. `pg_ctlcluster 15 main stop`), set INFRA_POSTGRES_PORT to a free port, ' +
        'or set DATABASE_URL to use that server.',
    );
  }
  const binDir = await ensureBinDir();
  if (!existsSync(join(dataDirOf(user), 'PG_VERSION')))
    await initCluster(binDir, user, credentials);
  progress.step(
    NAME,
    `starting ${join(binDir, 'postgres')} on ${config.host}:${config.postgresPort}`,
  );
  const record = startDetached({
    name: NAME,
    command: join(binDir, 'postgres'),
    args: [
      '-D',
      dataDirOf(user),
      '-c',
      `listen_addresses=${config.host}`,
      '-c',
      `port=${config.postgresPort}`,
      '-c',
      'unix_socket_directories=',
      // Test suites run in parallel, each with its own pools.
      '-c',
      'max_connections=300',
    ],
    cwd: user.home,
    uid: user.uid,
    gid: user.gid,
  });
  const version = await waitUntil(
    `PostgreSQL on port ${config.postgresPort}`,
    () => probePostgres(url),
    {
      timeoutMs: 60_000,
      abortIf: exitedWithLog(NAME, record.logFile),
    },
  );
  progress.ready(
    NAME,
    `PostgreSQL ${version} on ${config.host}:${config.postgresPort} (log: ${record.logFile})`,
  );
  return url;
}

export async function stopNativePostgres(): Promise<string> {
  // SIGINT is PostgreSQL's "fast" shutdown; SIGQUIT the immediate one.
  return stopProcess(NAME, { signal: 'SIGINT', timeoutMs: 30_000, killSignal: 'SIGQUIT' });
}
