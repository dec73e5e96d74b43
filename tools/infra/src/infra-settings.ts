import { resolvedKafkaClasspath } from './native/kafka-server';

/** The services that own a PostgreSQL database, each with its own role. */
export const SERVICE_DATABASES = [
  { service: 'user', database: 'users', role: 'user_service', envVar: 'USER_DATABASE_URL' },
  { service: 'order', database: 'orders', role: 'order_service', envVar: 'ORDER_DATABASE_URL' },
  {
    service: 'payment',
    database: 'payments',
    role: 'payment_service',
    envVar: 'PAYMENT_DATABASE_URL',
  },
] as const;

export type DatabaseService = (typeof SERVICE_DATABASES)[number]['service'];

export type ServerSource = 'environment' | 'docker' | 'native';
export type MongoServerKind = 'mongod' | 'ferretdb' | 'unknown';

/** Connection settings for the four servers, as `infra env` prints them. */
export interface InfraSettings {
  /** Admin connection: tests create their own databases through it. */
  databaseUrl: string;
  serviceDatabaseUrls: Record<DatabaseService, string>;
  mongodbUrl: string;
  /** Which MongoDB-wire server answers: FerretDB lacks some MongoDB guarantees (see README). */
  mongodbServer: MongoServerKind;
  kafkaBrokers: string[];
  /** The gateway's shared rate limits. */
  redisUrl: string;
}

export function settingsToEnv(settings: InfraSettings): Record<string, string> {
  const env: Record<string, string> = {
    DATABASE_URL: settings.databaseUrl,
  };
  for (const { service, envVar } of SERVICE_DATABASES) {
    env[envVar] = settings.serviceDatabaseUrls[service];
  }
  env['MONGODB_URL'] = settings.mongodbUrl;
  env['CATALOG_MONGODB_URL'] = withDatabase(settings.mongodbUrl, 'catalog');
  env['MONGODB_SERVER'] = settings.mongodbServer;
  env['KAFKA_BROKERS'] = settings.kafkaBrokers.join(',');
  env['REDIS_URL'] = settings.redisUrl;
  // For tests that run a broker of their own (DisposableKafkaBroker in @shop/testing).
  const classpath = resolvedKafkaClasspath();
  if (classpath) env['KAFKA_CLASSPATH'] = classpath;
  return env;
}

/** `mongodb://host:port/?opts` with `/name` as its database. */
export function withDatabase(mongoUrl: string, database: string): string {
  const url = new URL(mongoUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/** `postgres://…/db` pointing at another database, same server and credentials. */
export function withPostgresDatabase(postgresUrl: string, database: string): string {
  const url = new URL(postgresUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

export function redactUrl(value: string): string {
  try {
    const url = new URL(value);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return value;
  }
}
