import { InfraError } from './infra-error';

export type InfraMode = 'auto' | 'docker' | 'native';

/** The provisioner's own knobs, all from the environment (see .env.example). */
export interface InfraConfig {
  mode: InfraMode;
  host: string;
  postgresPort: number;
  kafkaPort: number;
  kafkaControllerPort: number;
  mongoPort: number;
  /** Not Redis's 6379: Debian's redis-server package starts a system server there. */
  redisPort: number;
  /** Settings a person already has: a server given here is used, not started. */
  given: { databaseUrl?: string; mongodbUrl?: string; kafkaBrokers?: string; redisUrl?: string };
}

function port(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 65535) {
    throw new InfraError(`${name}=${raw} is not a TCP port`, `Set ${name} to 1-65535 or unset it.`);
  }
  return value;
}

export function readInfraConfig(env: NodeJS.ProcessEnv = process.env): InfraConfig {
  const mode = (env['INFRA_MODE'] ?? 'auto') as InfraMode;
  if (!['auto', 'docker', 'native'].includes(mode)) {
    throw new InfraError(`INFRA_MODE=${mode} is not one of auto, docker, native`);
  }
  const kafkaPort = port(env, 'INFRA_KAFKA_PORT', 9092);
  const nonEmpty = (name: string): string | undefined => env[name] || undefined;
  return {
    mode,
    host: '127.0.0.1',
    postgresPort: port(env, 'INFRA_POSTGRES_PORT', 5432),
    kafkaPort,
    kafkaControllerPort: port(env, 'INFRA_KAFKA_CONTROLLER_PORT', kafkaPort + 1),
    mongoPort: port(env, 'INFRA_MONGO_PORT', 27017),
    redisPort: port(env, 'INFRA_REDIS_PORT', 6380),
    given: {
      databaseUrl: nonEmpty('DATABASE_URL'),
      mongodbUrl: nonEmpty('MONGODB_URL'),
      kafkaBrokers: nonEmpty('KAFKA_BROKERS'),
      redisUrl: nonEmpty('REDIS_URL'),
    },
  };
}
