import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Redis } from 'ioredis';
import { Kafka, logLevel } from 'kafkajs';
import { mongo } from 'mongoose';
import { currentDatabase } from './support/current-database';
import { readProvisioned, resolvedKafkaClasspath } from '../src';

const workspaceRoot = resolve(__dirname, '../../..');

const cli = (command: string) =>
  spawnSync(
    join(workspaceRoot, 'node_modules/.bin/tsx'),
    [join(workspaceRoot, 'tools/infra/src/cli.ts'), command],
    { encoding: 'utf8' },
  );

/** What `npm run -s infra:env` prints, parsed as a person's shell would. */
function infraEnv(): Record<string, string> {
  // Servers from testcontainers were not provisioned here: let `up` adopt them first.
  if (!readProvisioned()) expect(cli('up').status).toBe(0);
  const result = cli('env');
  expect(result.status).toBe(0);
  return Object.fromEntries(
    result.stdout
      .trim()
      .split('\n')
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
}

describe('infra env (settings of the running servers)', () => {
  let env: Record<string, string>;

  beforeAll(() => {
    env = infraEnv();
  });

  it('prints every connection setting as KEY=value', () => {
    // KAFKA_CLASSPATH once Kafka's jars are resolved (any native run): for tests' own brokers.
    expect(
      Object.keys(env)
        .filter((key) => key !== 'KAFKA_CLASSPATH')
        .sort(),
    ).toEqual(
      [
        'CATALOG_MONGODB_URL',
        'DATABASE_URL',
        'KAFKA_BROKERS',
        'MONGODB_SERVER',
        'MONGODB_URL',
        'ORDER_DATABASE_URL',
        'PAYMENT_DATABASE_URL',
        'REDIS_URL',
        'USER_DATABASE_URL',
      ].sort(),
    );
  });

  it("names Kafka's jars for a test's own broker, once they are resolved", () => {
    const resolved = resolvedKafkaClasspath();
    const jars = resolved ? readdirSync(resolved.replace(/\/\*$/, '')) : [];

    expect(env['KAFKA_CLASSPATH']).toBe(resolved);
    if (resolved) expect(jars).toContainEqual(expect.stringMatching(/^kafka_2\.13-.*\.jar$/));
  });

  it.each([
    ['USER_DATABASE_URL', 'users'],
    ['ORDER_DATABASE_URL', 'orders'],
    ['PAYMENT_DATABASE_URL', 'payments'],
  ])('%s reaches its own database with its own role', async (variable, database) => {
    expect(await currentDatabase(env[variable] ?? '')).toBe(database);
  });

  it("keeps a service's role out of another service's database", async () => {
    const intruder = new URL(env['USER_DATABASE_URL'] ?? '');
    intruder.pathname = '/orders';

    await expect(currentDatabase(intruder.toString())).rejects.toMatchObject({ code: '42501' });
  });

  it('MONGODB_URL reaches the MongoDB-wire server it names', async () => {
    const client = new mongo.MongoClient(env['MONGODB_URL'] ?? '', {
      serverSelectionTimeoutMS: 5_000,
    });
    try {
      await client.connect();
      const info = await client.db('admin').command({ buildInfo: 1 });
      expect('ferretdbVersion' in info ? 'ferretdb' : 'mongod').toBe(env['MONGODB_SERVER']);
    } finally {
      await client.close();
    }
  });

  it('KAFKA_BROKERS reaches a cluster with an active controller', async () => {
    const admin = new Kafka({
      brokers: (env['KAFKA_BROKERS'] ?? '').split(','),
      logLevel: logLevel.NOTHING,
    }).admin();
    await admin.connect();
    try {
      const cluster = await admin.describeCluster();
      expect(cluster.brokers.length).toBeGreaterThan(0);
      expect(cluster.controller).not.toBeNull();
    } finally {
      await admin.disconnect();
    }
  });

  it('REDIS_URL reaches a Redis server that keeps what is written', async () => {
    const redis = new Redis(env['REDIS_URL'] ?? '', { lazyConnect: true, maxRetriesPerRequest: 1 });
    const key = `infra-env-spec:${process.pid}:${Date.now()}`;
    try {
      await redis.connect();
      await redis.set(key, 'kept', 'EX', 10);
      expect(await redis.get(key)).toBe('kept');
    } finally {
      await redis.del(key);
      await redis.quit();
    }
  });
});
