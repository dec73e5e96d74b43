import { APP_NAMES, type AppName, buildApps, type RunningSystem, startSystem } from '@shop/demo';
import {
  DisposableKafkaBroker,
  freePortsFor,
  TestKafkaNamespace,
  TestMongoDatabase,
  TestPostgresDatabase,
  testInfraSettings,
} from '@shop/testing';
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { join, resolve } from 'node:path';

const workspaceRoot = resolve(__dirname, '../../../..');

export const ADMIN = { email: 'admin@example.com', password: 'manage-the-shop-42' };
export const CUSTOMER = { email: 'customer@example.com', password: 'buy-something-42' };

export interface IsolatedSystem {
  system: RunningSystem;
  gatewayUrl: string;
  /** Present when the system has a broker of its own (to stop and start in a drill). */
  broker: DisposableKafkaBroker | undefined;
  /** Where each app's output goes: `<app>.log`. */
  logDirectory: string;
  stop(): Promise<void>;
}

/**
 * The five apps as `npm run demo` runs them (built output, one supervised
 * process each, restarted when they die), on this suite's own databases, its
 * own topic prefix (or its own broker) and free ports.
 */
export async function startIsolatedSystem(
  label: string,
  options: { ownBroker?: boolean; appEnv?: Partial<Record<AppName, Record<string, string>>> } = {},
): Promise<IsolatedSystem> {
  mkdirSync(join(workspaceRoot, 'tmp'), { recursive: true });
  const logDirectory = mkdtempSync(join(workspaceRoot, 'tmp', `${label}-`));
  await buildApps(join(logDirectory, 'build.log'));
  // Each resource is undone in reverse order, also when a later step fails (no leaked broker).
  const cleanups: (() => Promise<void>)[] = [];
  const cleanUp = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  };
  try {
    const postgres = await Promise.all(
      ['users', 'orders', 'payments'].map((name) =>
        TestPostgresDatabase.create(`${label}-${name}`),
      ),
    );
    cleanups.push(async () => {
      await Promise.all(postgres.map((database) => database.drop()));
    });
    const [users, orders, payments] = postgres as [
      TestPostgresDatabase,
      TestPostgresDatabase,
      TestPostgresDatabase,
    ];
    const catalog = TestMongoDatabase.create(`${label}-catalog`);
    cleanups.push(() => catalog.drop());
    const broker = options.ownBroker ? await DisposableKafkaBroker.start() : undefined;
    if (broker) cleanups.push(() => broker.destroy());
    const namespace = broker ? undefined : new TestKafkaNamespace(label);
    if (namespace) cleanups.push(() => namespace.cleanup());
    const ports = await freePortsFor(APP_NAMES);
    const system = await startSystem({
      servers: {
        USER_DATABASE_URL: users.url,
        ORDER_DATABASE_URL: orders.url,
        PAYMENT_DATABASE_URL: payments.url,
        CATALOG_MONGODB_URL: catalog.url,
        KAFKA_BROKERS: (broker?.brokers ?? testInfraSettings().kafkaBrokers).join(','),
      },
      authPrivateKey: generateKeyPairSync('rsa', {
        modulusLength: 2048,
        privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
        publicKeyEncoding: { type: 'spki', format: 'pem' },
      }).privateKey,
      ports,
      ...(namespace ? { kafkaTopicPrefix: namespace.prefix } : {}),
      admin: ADMIN,
      customer: CUSTOMER,
      logDirectory,
      restartPolicy: { initialDelayMs: 200 },
      stopGraceMs: 5_000,
      ...(options.appEnv ? { appEnv: options.appEnv } : {}),
    });
    cleanups.push(() => system.stop());
    return { system, gatewayUrl: system.urls.gateway, broker, logDirectory, stop: cleanUp };
  } catch (error) {
    await cleanUp();
    throw error;
  }
}
