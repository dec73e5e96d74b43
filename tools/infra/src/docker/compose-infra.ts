import { type InfraConfig } from '../infra-config';
import { type DatabaseService, SERVICE_DATABASES } from '../infra-settings';
import { progress } from '../progress';
import { commandSucceeds, findOnPath, run, runOrFail } from '../run-command';
import { workspacePaths } from '../workspace-paths';

export type ComposeServer = 'postgres' | 'mongodb' | 'kafka' | 'redis';

/** True when a Docker engine answers (not just the `docker` client being installed). */
export function dockerEngineAnswers(): boolean {
  return findOnPath('docker') !== undefined && commandSucceeds('docker', ['info'], 10_000);
}

const compose = (args: string[], env?: NodeJS.ProcessEnv) =>
  runOrFail(
    `docker compose ${args[0]}`,
    'docker',
    ['compose', '-f', workspacePaths.composeFile, ...args],
    {
      env,
      echo: true,
    },
  );

/** Starts the infrastructure services of docker-compose.yml and waits for their healthchecks. */
export async function startComposeServers(servers: ComposeServer[]): Promise<void> {
  progress.step('docker', `starting ${servers.join(', ')} with docker compose`);
  await compose(['up', '--detach', '--wait', ...servers]);
}

export async function stopComposeServers(): Promise<void> {
  await compose(['stop', 'postgres', 'mongodb', 'kafka', 'redis']);
}

export async function composeStatus(): Promise<string> {
  const result = await run('docker', ['compose', '-f', workspacePaths.composeFile, 'ps']);
  return result.stdout.trim();
}

// The same defaults as docker-compose.yml: a person running plain
// `docker compose up` and the provisioner must agree on the passwords.
const composePassword = (variable: string, fallback: string): string =>
  encodeURIComponent(process.env[variable] || fallback);

export function composeUrls(config: InfraConfig) {
  const server = `${config.host}:${config.postgresPort}`;
  const serviceDatabaseUrls = Object.fromEntries(
    SERVICE_DATABASES.map(({ service, role, database }) => {
      const password = composePassword(`${role.toUpperCase()}_DB_PASSWORD`, `${role}_dev`);
      return [service, `postgres://${role}:${password}@${server}/${database}`];
    }),
  ) as Record<DatabaseService, string>;
  return {
    databaseUrl: `postgres://postgres:${composePassword('POSTGRES_PASSWORD', 'postgres_dev')}@${server}/postgres`,
    serviceDatabaseUrls,
    // The replica set advertises its compose hostname: connect to the member directly.
    mongodbUrl: `mongodb://${config.host}:${config.mongoPort}/?directConnection=true`,
    kafkaBrokers: [`${config.host}:${config.kafkaPort}`],
    redisUrl: `redis://${config.host}:${config.redisPort}`,
  };
}
