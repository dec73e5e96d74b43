import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { join, resolve } from 'node:path';
import {
  TestKafkaNamespace,
  TestMongoDatabase,
  TestPostgresDatabase,
  freePortsFor,
  testInfraSettings,
} from '@shop/testing';
import { APP_NAMES, type RunningSystem, type SupervisedApp, buildApps, startSystem } from '../src';

const workspaceRoot = resolve(__dirname, '../../..');
const customer = { email: 'customer@example.com', password: 'system-test-password' };

/** Whether something accepts a TCP connection at address:port. */
const accepts = (host: string, port: number): Promise<boolean> =>
  new Promise((done) => {
    const socket = connect({ host, port, timeout: 2_000 });
    const answer = (accepted: boolean) => {
      socket.destroy();
      done(accepted);
    };
    socket.once('connect', () => answer(true));
    socket.once('timeout', () => answer(false));
    socket.once('error', () => answer(false));
  });

/**
 * The whole system as `npm run demo` starts it: built output, one process per
 * app, in dependency order, on this suite's own databases, topic prefix and
 * free ports (others may be using 3000-3004).
 */
describe('startSystem', () => {
  const logDirectory = mkdtempSync(join(workspaceRoot, 'tmp', 'demo-system-'));
  const kafka = new TestKafkaNamespace('demo-system');
  const databases: TestPostgresDatabase[] = [];
  let catalogDatabase: TestMongoDatabase;
  let system: RunningSystem;

  beforeAll(async () => {
    await buildApps(join(logDirectory, 'build.log'));
    const [users, orders, payments] = await Promise.all([
      TestPostgresDatabase.create('demo-users'),
      TestPostgresDatabase.create('demo-orders'),
      TestPostgresDatabase.create('demo-payments'),
    ]);
    databases.push(users, orders, payments);
    catalogDatabase = TestMongoDatabase.create('demo-catalog');
    const ports = await freePortsFor(APP_NAMES);

    system = await startSystem({
      servers: {
        USER_DATABASE_URL: users.url,
        ORDER_DATABASE_URL: orders.url,
        PAYMENT_DATABASE_URL: payments.url,
        CATALOG_MONGODB_URL: catalogDatabase.url,
        KAFKA_BROKERS: testInfraSettings().kafkaBrokers.join(','),
      },
      authPrivateKey: generateKeyPairSync('rsa', {
        modulusLength: 2048,
        privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
        publicKeyEncoding: { type: 'spki', format: 'pem' },
      }).privateKey,
      ports,
      kafkaTopicPrefix: kafka.prefix,
      customer,
      logDirectory,
      restartPolicy: { initialDelayMs: 200 },
      stopGraceMs: 5_000,
    });
  });

  afterAll(async () => {
    await system?.stop();
    await Promise.all([
      ...databases.map((database) => database.drop()),
      catalogDatabase?.drop(),
      kafka.cleanup(),
    ]);
  });

  it('starts every app as its own process, each ready', async () => {
    const pids = new Set(APP_NAMES.map((app) => system.apps.get(app)?.pid));

    expect(pids.size).toBe(APP_NAMES.length);
    expect(pids.has(undefined)).toBe(false);
    for (const app of APP_NAMES) {
      const response = await fetch(`${system.urls[app]}/health/ready`);
      expect({ app, status: response.status }).toEqual({ app, status: 200 });
    }
  });

  it("listens on loopback only: no app answers on this machine's other addresses", async () => {
    const external = Object.values(networkInterfaces())
      .flat()
      .filter((address) => address && !address.internal && address.family === 'IPv4')
      .map((address) => address?.address as string);
    expect(external.length).toBeGreaterThan(0);

    for (const app of APP_NAMES) {
      const port = Number(new URL(system.urls[app]).port);
      expect({ app, loopback: await accepts('127.0.0.1', port) }).toEqual({ app, loopback: true });
      for (const address of external) {
        expect({ app, address, accepts: await accepts(address, port) }).toEqual({
          app,
          address,
          accepts: false,
        });
      }
    }
  });

  it('serves the seeded catalog through the gateway', async () => {
    const response = await fetch(`${system.urls.gateway}/api/v1/products?limit=5`);
    const body = (await response.json()) as { items: { name: string }[] };

    expect(response.status).toBe(200);
    expect(body.items.length).toBeGreaterThan(0);
    expect(body.items[0]?.name).toEqual(expect.any(String));
  });

  it('lets the demo customer the user service created sign in through the gateway', async () => {
    const response = await fetch(`${system.urls.gateway}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(customer),
    });
    const body = (await response.json()) as { accessToken?: string };

    expect(response.status).toBe(200);
    expect(body.accessToken).toEqual(expect.any(String));
  });

  // The gateway: no store or consumer group to wait for, so the drill is quick
  // (the fault drills in tools/e2e kill the services mid-saga).
  it('restarts an app killed with SIGKILL, which is then ready again', async () => {
    const gateway = system.apps.get('gateway') as SupervisedApp;
    const killedPid = gateway.pid;

    await gateway.kill('SIGKILL');
    await gateway.waitUntilReady(60_000);
    const products = await fetch(`${system.urls.gateway}/api/v1/products?limit=1`);

    expect(gateway.restarts).toBe(1);
    expect(gateway.pid).toEqual(expect.any(Number));
    expect(gateway.pid).not.toBe(killedPid);
    expect(products.status).toBe(200);
  });

  it('stops every app on stop()', async () => {
    await system.stop();

    for (const app of APP_NAMES) expect(system.apps.get(app)?.pid).toBeUndefined();
    await expect(fetch(`${system.urls.gateway}/health/live`)).rejects.toThrow();
  });
});
