import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadCredentials } from './credentials';
import {
  type ComposeServer,
  composeStatus,
  composeUrls,
  dockerEngineAnswers,
  startComposeServers,
  stopComposeServers,
} from './docker/compose-infra';
import { InfraError } from './infra-error';
import { type InfraConfig, readInfraConfig } from './infra-config';
import {
  type DatabaseService,
  type InfraSettings,
  type ServerSource,
  SERVICE_DATABASES,
  redactUrl,
} from './infra-settings';
import { runningProcess } from './managed-process';
import { startNativeKafka, stopNativeKafka } from './native/kafka-server';
import { startNativeMongo, stopNativeMongo } from './native/mongo-server';
import { startNativePostgres, stopNativePostgres } from './native/postgres-server';
import { startNativeRedis, stopNativeRedis } from './native/redis-server';
import { portAnswers, probeKafka, probeMongo, probePostgres, probeRedis } from './probes';
import { progress } from './progress';
import { withProvisionerLock } from './provisioner-lock';
import { ensureServiceDatabases } from './service-databases';
import { waitUntil } from './wait-until';
import { workspacePaths } from './workspace-paths';

type Server = 'postgres' | 'mongo' | 'kafka' | 'redis';

/** What `up` provisioned, kept in `.infra/settings.json` for `env`, `status` and `down`. */
export interface ProvisionedInfra {
  sources: Record<Server, ServerSource>;
  settings: InfraSettings;
}

const settingsFile = join(workspacePaths.state, 'settings.json');

/**
 * A shell that ran `eval "$(npm run -s infra:env)"` hands our own settings back
 * to us: those are not servers of the environment, but ours to start again.
 */
function withoutOwnSettings(config: InfraConfig): InfraConfig {
  const recorded = readProvisioned();
  if (!recorded) return config;
  const { given } = config;
  const ours = (server: Server, value: string | undefined, own: string): string | undefined =>
    value !== undefined && value === own && recorded.sources[server] !== 'environment'
      ? undefined
      : value;
  return {
    ...config,
    given: {
      databaseUrl: ours('postgres', given.databaseUrl, recorded.settings.databaseUrl),
      mongodbUrl: ours('mongo', given.mongodbUrl, recorded.settings.mongodbUrl),
      kafkaBrokers: ours('kafka', given.kafkaBrokers, recorded.settings.kafkaBrokers.join(',')),
      redisUrl: ours('redis', given.redisUrl, recorded.settings.redisUrl ?? ''),
    },
  };
}

function chooseSources(config: InfraConfig): Record<Server, ServerSource> {
  const fallback: ServerSource = useDocker(config) ? 'docker' : 'native';
  return {
    postgres: config.given.databaseUrl ? 'environment' : fallback,
    mongo: config.given.mongodbUrl ? 'environment' : fallback,
    kafka: config.given.kafkaBrokers ? 'environment' : fallback,
    redis: config.given.redisUrl ? 'environment' : fallback,
  };
}

function useDocker(config: InfraConfig): boolean {
  if (config.mode === 'native') return false;
  const given = config.given;
  if (given.databaseUrl && given.mongodbUrl && given.kafkaBrokers && given.redisUrl) return false;
  const answers = dockerEngineAnswers();
  if (config.mode === 'docker' && !answers) {
    throw new InfraError(
      'INFRA_MODE=docker, but no Docker engine answers `docker info`.',
      'Start the engine, or unset INFRA_MODE to fall back to native servers.',
    );
  }
  return answers;
}

async function verifyGiven(what: string, probe: () => Promise<unknown>): Promise<void> {
  await waitUntil(`${what} from the environment`, probe, { timeoutMs: 15_000 });
  progress.ready(what, 'using the server named in the environment');
}

/** Starts (or finds) the four servers and returns settings a client can use. */
export function up(): Promise<ProvisionedInfra> {
  return withProvisionerLock(provision);
}

async function provision(): Promise<ProvisionedInfra> {
  const config = withoutOwnSettings(readInfraConfig());
  const credentials = loadCredentials();
  const sources = chooseSources(config);

  let databaseUrl = config.given.databaseUrl;
  let mongodbUrl = config.given.mongodbUrl;
  let kafkaBrokers = config.given.kafkaBrokers?.split(',').map((broker) => broker.trim());
  let redisUrl = config.given.redisUrl;
  let composeServiceUrls: Record<DatabaseService, string> | undefined;

  const fromDocker = (Object.keys(sources) as Server[]).filter(
    (server) => sources[server] === 'docker',
  );
  if (fromDocker.length > 0) {
    const composeNames: Record<Server, ComposeServer> = {
      postgres: 'postgres',
      mongo: 'mongodb',
      kafka: 'kafka',
      redis: 'redis',
    };
    await startComposeServers(fromDocker.map((server) => composeNames[server]));
    const urls = composeUrls(config);
    if (sources.postgres === 'docker') composeServiceUrls = urls.serviceDatabaseUrls;
    databaseUrl ??= urls.databaseUrl;
    mongodbUrl ??= urls.mongodbUrl;
    kafkaBrokers ??= urls.kafkaBrokers;
    redisUrl ??= urls.redisUrl;
  }

  // Kafka and Redis need nothing from the others: start them while PostgreSQL and Mongo come up.
  const redisReady =
    sources.redis === 'native'
      ? startNativeRedis(config)
      : verifyGiven('redis', () => probeRedis(redisUrl ?? '')).then(() => redisUrl ?? '');
  const kafkaReady =
    sources.kafka === 'native'
      ? startNativeKafka(config)
      : verifyGiven('kafka', () => probeKafka(kafkaBrokers ?? [])).then(() => kafkaBrokers ?? []);
  const databasesReady = (async () => {
    if (sources.postgres === 'native') databaseUrl = await startNativePostgres(config, credentials);
    else await verifyGiven('postgres', () => probePostgres(databaseUrl ?? ''));
    const adminUrl = databaseUrl ?? '';
    if (sources.mongo === 'native') {
      mongodbUrl = (
        await startNativeMongo(config, adminUrl, credentials, sources.postgres === 'native')
      ).url;
    } else {
      await verifyGiven('mongo', () => probeMongo(mongodbUrl ?? ''));
    }
    return adminUrl;
  })();
  // Wait for all before reporting, so a failure never leaves another part running unseen.
  const [redisOutcome, kafkaOutcome, databasesOutcome] = await Promise.allSettled([
    redisReady,
    kafkaReady,
    databasesReady,
  ]);
  if (redisOutcome.status === 'rejected') throw redisOutcome.reason;
  if (kafkaOutcome.status === 'rejected') throw kafkaOutcome.reason;
  if (databasesOutcome.status === 'rejected') throw databasesOutcome.reason;
  const brokers = kafkaOutcome.value;
  const adminUrl = databasesOutcome.value;

  // docker-compose.yml's init script made the service databases, with its passwords.
  const serviceDatabaseUrls =
    composeServiceUrls ??
    (await serviceDatabases(adminUrl, credentials, sources.postgres === 'native'));
  const settings: InfraSettings = {
    databaseUrl: adminUrl,
    serviceDatabaseUrls,
    mongodbUrl: mongodbUrl ?? '',
    mongodbServer: await probeMongo(mongodbUrl ?? ''),
    kafkaBrokers: brokers,
    redisUrl: redisOutcome.value,
  };
  const provisioned: ProvisionedInfra = { sources, settings };
  mkdirSync(workspacePaths.state, { recursive: true });
  writeFileSync(settingsFile, JSON.stringify(provisioned, null, 2), { mode: 0o600 });
  return provisioned;
}

async function serviceDatabases(
  adminUrl: string,
  credentials: ReturnType<typeof loadCredentials>,
  ownsServer: boolean,
): Promise<Record<DatabaseService, string>> {
  const fromEnv = SERVICE_DATABASES.every(({ envVar }) => process.env[envVar]);
  if (fromEnv) {
    return Object.fromEntries(
      SERVICE_DATABASES.map(({ service, envVar }) => [service, process.env[envVar] ?? '']),
    ) as Record<DatabaseService, string>;
  }
  return ensureServiceDatabases(adminUrl, credentials, ownsServer);
}

export function readProvisioned(): ProvisionedInfra | undefined {
  let text: string;
  try {
    text = readFileSync(settingsFile, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  return JSON.parse(text) as ProvisionedInfra;
}

/** The settings of running servers; fails when they are not up. */
export async function currentSettings(): Promise<InfraSettings> {
  const provisioned = readProvisioned();
  if (!provisioned) {
    throw new InfraError(
      'No servers are provisioned for this checkout.',
      'Run `npm run infra:up` first.',
    );
  }
  const { settings, sources } = provisioned;
  // Provisioned before Redis was one of the servers: `up` adds it.
  if (!settings.redisUrl) {
    throw new InfraError(
      'The servers of this checkout were provisioned without Redis.',
      'Run `npm run infra:up`.',
    );
  }
  // Only the servers this checkout runs are checked: a given URL may be any shape (+srv, multi-host).
  const endpoints: [Server, string, string][] = [
    ['postgres', 'PostgreSQL', settings.databaseUrl],
    ['mongo', 'MongoDB', settings.mongodbUrl],
    ...settings.kafkaBrokers.map((broker): [Server, string, string] => [
      'kafka',
      'Kafka',
      `kafka://${broker}`,
    ]),
    ['redis', 'Redis', settings.redisUrl],
  ];
  for (const [server, what, url] of endpoints) {
    if (sources[server] === 'environment') continue;
    const { hostname, port } = new URL(url);
    if (!(await portAnswers(hostname, Number(port)))) {
      throw new InfraError(
        `${what} at ${hostname}:${port} does not answer.`,
        'Run `npm run infra:up`.',
      );
    }
  }
  return settings;
}

/** Stops what `up` started here; servers from the environment are left alone. */
export function down(): Promise<void> {
  return withProvisionerLock(stopAll);
}

async function stopAll(): Promise<void> {
  const provisioned = readProvisioned();
  const usedDocker = provisioned && Object.values(provisioned.sources).includes('docker');
  for (const [name, stop] of [
    ['redis', stopNativeRedis],
    ['mongo', stopNativeMongo],
    ['kafka', stopNativeKafka],
    ['postgres', stopNativePostgres],
  ] as const) {
    const outcome = await stop();
    progress.step(name, outcome === 'stopped' ? 'stopped' : 'was not running (nothing to stop)');
  }
  if (usedDocker) await stopComposeServers();
  rmSync(settingsFile, { force: true });
}

export async function status(): Promise<string[]> {
  const provisioned = readProvisioned();
  const lines: string[] = [];
  const describe = (server: Server, address: string): string => {
    const source = provisioned?.sources[server];
    if (!source) return `${server}: not provisioned`;
    if (source === 'native') {
      const record = runningProcess(server);
      return record
        ? `${server}: running natively (pid ${record.pid}) at ${address}, log ${record.logFile}`
        : `${server}: stopped (native)`;
    }
    return `${server}: ${source === 'docker' ? 'docker compose' : 'from the environment'} at ${address}`;
  };
  const settings = provisioned?.settings;
  lines.push(describe('postgres', settings ? redactUrl(settings.databaseUrl) : '-'));
  lines.push(
    describe('mongo', settings ? `${settings.mongodbUrl} (${settings.mongodbServer})` : '-'),
  );
  lines.push(describe('kafka', settings ? settings.kafkaBrokers.join(',') : '-'));
  lines.push(describe('redis', settings?.redisUrl ? redactUrl(settings.redisUrl) : '-'));
  if (provisioned && Object.values(provisioned.sources).includes('docker'))
    lines.push(await composeStatus());
  return lines;
}
