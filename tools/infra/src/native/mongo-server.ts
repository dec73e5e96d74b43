import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Credentials, knowsRole, rolePassword } from '../credentials';
import { InfraError } from '../infra-error';
import { type InfraConfig } from '../infra-config';
import { type MongoServerKind, withPostgresDatabase } from '../infra-settings';
import { exitedWithLog, runningProcess, startDetached, stopProcess } from '../managed-process';
import { portAnswers, probeMongo } from '../probes';
import { progress } from '../progress';
import { findOnPath, runOrFail } from '../run-command';
import { ensureRoleAndDatabase } from '../service-databases';
import { FERRETDB_MODULE, FERRETDB_VERSION } from '../versions';
import { waitUntil } from '../wait-until';
import { workspacePaths } from '../workspace-paths';

const NAME = 'mongo';
const stateDir = join(workspacePaths.state, 'mongo');
const ferretdbDir = join(workspacePaths.cache, `ferretdb-${FERRETDB_VERSION}`);
const ferretdbBinary = join(ferretdbDir, 'ferretdb');

/**
 * Builds FerretDB from the Go module proxy, once. `go install` builds a binary
 * that panics at start (the generated build/version/version.txt is not in the
 * module), so: download the module, write that file, then `go build`.
 */
export async function ensureFerretdb(): Promise<string> {
  if (existsSync(ferretdbBinary)) return ferretdbBinary;
  if (!findOnPath('go')) {
    throw new InfraError(
      'No `mongod` on PATH, and `go` is missing to build FerretDB (the stand-in MongoDB-wire server).',
      'Install MongoDB (mongod on PATH), or Go 1.24+ (the FerretDB module needs it), or set MONGODB_URL.',
    );
  }
  progress.step(
    NAME,
    `building FerretDB ${FERRETDB_VERSION} from the Go module proxy (first run, ~2 min)`,
  );
  const env = { ...process.env, CGO_ENABLED: '0', GOFLAGS: '-mod=mod' };
  const download = await runOrFail(
    'go mod download FerretDB',
    'go',
    ['mod', 'download', '-json', `${FERRETDB_MODULE}@${FERRETDB_VERSION}`],
    { env, cwd: tmpdir() },
    'Go must reach the module proxy (GOPROXY).',
  );
  const moduleDir = (JSON.parse(download.stdout) as { Dir?: string }).Dir;
  if (!moduleDir) throw new InfraError('go mod download did not report a module directory');
  const sourceDir = `${ferretdbDir}.partial`;
  rmSync(sourceDir, { recursive: true, force: true });
  cpSync(moduleDir, sourceDir, { recursive: true });
  chmodRecursive(sourceDir);
  writeFileSync(join(sourceDir, 'build', 'version', 'version.txt'), `${FERRETDB_VERSION}\n`);
  // Not `-o ferretdb`: the module has a `ferretdb/` package directory at its root.
  await runOrFail(
    'go build FerretDB',
    'go',
    ['build', '-trimpath', '-o', 'bin/ferretdb', './cmd/ferretdb'],
    {
      env,
      cwd: sourceDir,
    },
  );
  mkdirSync(ferretdbDir, { recursive: true });
  renameSync(join(sourceDir, 'bin', 'ferretdb'), ferretdbBinary);
  rmSync(sourceDir, { recursive: true, force: true });
  return ferretdbBinary;
}

// The module cache is read-only; the copy must be writable to add version.txt and to be removed.
function chmodRecursive(dir: string): void {
  chmodSync(dir, 0o755);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) chmodRecursive(path);
    else chmodSync(path, 0o644);
  }
}

export interface NativeMongo {
  url: string;
  server: MongoServerKind;
}

export async function startNativeMongo(
  config: InfraConfig,
  postgresAdminUrl: string,
  credentials: Credentials,
  /** The PostgreSQL server is the provisioner's own (see ensureServiceDatabases). */
  ownsPostgres: boolean,
): Promise<NativeMongo> {
  const url = `mongodb://${config.host}:${config.mongoPort}/`;
  if (runningProcess(NAME)) {
    const server = await waitUntil(
      `MongoDB-wire server on port ${config.mongoPort}`,
      () => probeMongo(url),
      {
        timeoutMs: 30_000,
      },
    );
    progress.ready(NAME, `${server} already running on ${config.host}:${config.mongoPort}`);
    return { url, server };
  }
  if (await portAnswers(config.host, config.mongoPort)) {
    throw new InfraError(
      `Port ${config.mongoPort} is taken by a process this provisioner did not start.`,
      'Stop it, set INFRA_MONGO_PORT to a free port, or set MONGODB_URL to use that server.',
    );
  }
  mkdirSync(stateDir, { recursive: true });
  const mongod = process.env['INFRA_MONGOD'] ?? findOnPath('mongod');
  let record;
  if (mongod) {
    const dbPath = join(stateDir, 'mongod-data');
    mkdirSync(dbPath, { recursive: true });
    progress.step(NAME, `starting ${mongod} on ${config.host}:${config.mongoPort}`);
    record = startDetached({
      name: NAME,
      command: mongod,
      args: ['--dbpath', dbPath, '--bind_ip', config.host, '--port', String(config.mongoPort)],
    });
  } else {
    const binary = await ensureFerretdb();
    const known = ownsPostgres || knowsRole(credentials, 'ferretdb');
    const backendUrl = await ensureRoleAndDatabase(
      postgresAdminUrl,
      'ferretdb',
      rolePassword(credentials, 'ferretdb'),
      'ferretdb',
      known,
    );
    progress.step(
      NAME,
      `no mongod on PATH: starting FerretDB ${FERRETDB_VERSION} on ${config.host}:${config.mongoPort} ` +
        `(PostgreSQL backend ${withPostgresDatabase(postgresAdminUrl, 'ferretdb').replace(/:[^:@/]*@/, ':***@')})`,
    );
    record = startDetached({
      name: NAME,
      command: binary,
      args: [
        `--listen-addr=${config.host}:${config.mongoPort}`,
        '--handler=postgresql',
        `--state-dir=${stateDir}`,
        '--telemetry=disable',
        '--debug-addr=-',
        '--log-level=warn',
      ],
      // The backend URL carries a password: pass it through the environment, not argv.
      env: { ...process.env, FERRETDB_POSTGRESQL_URL: backendUrl },
    });
  }
  const server = await waitUntil(
    `MongoDB-wire server on port ${config.mongoPort}`,
    () => probeMongo(url),
    {
      timeoutMs: 60_000,
      abortIf: exitedWithLog(NAME, record.logFile),
    },
  );
  progress.ready(NAME, `${server} on ${config.host}:${config.mongoPort} (log: ${record.logFile})`);
  return { url, server };
}

export async function stopNativeMongo(): Promise<string> {
  return stopProcess(NAME, { signal: 'SIGTERM', timeoutMs: 30_000, killSignal: 'SIGKILL' });
}
