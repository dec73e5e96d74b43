import { type Credentials } from '../credentials';
import { type InfraConfig } from '../infra-config';
import { progress } from '../progress';
import { commandSucceeds, findOnPath, run, runOrFail } from '../run-command';
import { workspacePaths } from '../workspace-paths';

export type ComposeServer = 'postgres' | 'mongodb' | 'kafka';

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

/**
 * Starts the infrastructure services of docker-compose.yml and waits for their
 * healthchecks. The admin password is handed to a fresh volume's init; an
 * existing volume keeps the one it was created with (see README).
 */
export async function startComposeServers(
  servers: ComposeServer[],
  credentials: Credentials,
): Promise<void> {
  progress.step('docker', `starting ${servers.join(', ')} with docker compose`);
  await compose(['up', '--detach', '--wait', ...servers], {
    ...process.env,
    POSTGRES_PASSWORD: process.env['POSTGRES_PASSWORD'] ?? credentials.postgresAdmin,
  });
}

export async function stopComposeServers(): Promise<void> {
  await compose(['stop', 'postgres', 'mongodb', 'kafka']);
}

export async function composeStatus(): Promise<string> {
  const result = await run('docker', ['compose', '-f', workspacePaths.composeFile, 'ps']);
  return result.stdout.trim();
}

export function composeUrls(config: InfraConfig, credentials: Credentials) {
  const password = encodeURIComponent(
    process.env['POSTGRES_PASSWORD'] ?? credentials.postgresAdmin,
  );
  return {
    databaseUrl: `postgres://postgres:${password}@${config.host}:${config.postgresPort}/postgres`,
    mongodbUrl: `mongodb://${config.host}:${config.mongoPort}/`,
    kafkaBrokers: [`${config.host}:${config.kafkaPort}`],
  };
}
