// `npm run bench:orders`: orders driven through the gateway at fixed offered
// rates. A rate sweep finds the knee (orders spread over the catalog), a hot
// phase puts every order on one product, the floor (bare kafkajs and pg, the
// same hops and commits) runs beside, and every run ends with its invariants
// checked in the services' databases. Measures completed/s, the time from
// POST /orders to the final state, each step, CPU per process and each app's
// memory; writes bench/order-load-report.md with the previous report's
// figures beside. A report, not a test.
import { APP_NAMES, buildApps, startSystem } from '@shop/demo';
import { down, runningProcess, settingsToEnv, up } from '@shop/infra';
import { parseMessage, Topics } from '@shop/contracts';
import { freePortsFor, TestMongoDatabase, TestPostgresDatabase, uniqueName } from '@shop/testing';
import { Kafka, logLevel } from 'kafkajs';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describeMachine } from './machine';
import { measureFloor, SAGA_HOPS, type FloorResult } from './order-load/floor';
import { checkInvariants, sagasEnded, stockSnapshot } from './order-load/invariants';
import {
  type GatewayCall,
  type PhaseResult,
  runPhase,
  stepLatencies,
} from './order-load/load-phase';
import { memoryOf, type WatchedProcess } from './order-load/process-usage';
import { previousFigures, renderReport } from './order-load/report';

const root = resolve(__dirname, '../../..');
const reportPath = join(root, 'bench', 'order-load-report.md');
const admin = { email: 'admin@example.com', password: 'manage-the-shop-42' };
const customer = { email: 'customer@example.com', password: 'buy-something-42' };

const numbers = (value: string | undefined, fallback: number[]): number[] =>
  value ? value.split(',').map(Number) : fallback;
/** Offered rates, ascending; past the latency rate, the sweep stops after the knee. */
const SWEEP = numbers(process.env['BENCH_SWEEP'], [10, 25, 50, 100, 200]);
/** The rate the latency targets and the floor are measured at. */
const LATENCY_RATE = 50;
const PHASE_SECONDS = Number(process.env['BENCH_PHASE_SECONDS'] ?? 15);
const HOT_RATE = Number(process.env['BENCH_HOT_RATE'] ?? 100);
/** How long a phase's accepted orders may take to end after its last was sent. */
const DRAIN_MS = Number(process.env['BENCH_DRAIN_SECONDS'] ?? 120) * 1_000;
const SERVERS = ['kafka', 'postgres', 'mongo', 'redis'] as const;

async function main(): Promise<void> {
  const { settings } = await up();
  Object.assign(process.env, settingsToEnv(settings));
  mkdirSync(join(root, 'tmp'), { recursive: true });
  const logDirectory = mkdtempSync(join(root, 'tmp', 'order-load-'));
  await buildApps(join(logDirectory, 'build.log'));
  const databases = await Promise.all(
    ['users', 'orders', 'payments', 'floor'].map((name) =>
      TestPostgresDatabase.create(`load-${name}`),
    ),
  );
  const [users, orders, payments, floorDatabase] = databases as [
    TestPostgresDatabase,
    TestPostgresDatabase,
    TestPostgresDatabase,
    TestPostgresDatabase,
  ];
  const catalog = TestMongoDatabase.create('load-catalog');
  const prefix = `${uniqueName('load')}.`;
  const ports = await freePortsFor(APP_NAMES);
  const unlimited = '1000000000';
  const system = await startSystem({
    servers: {
      USER_DATABASE_URL: users.url,
      ORDER_DATABASE_URL: orders.url,
      PAYMENT_DATABASE_URL: payments.url,
      CATALOG_MONGODB_URL: catalog.url,
      KAFKA_BROKERS: settings.kafkaBrokers.join(','),
    },
    authPrivateKey: generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    }).privateKey,
    ports,
    kafkaTopicPrefix: prefix,
    admin,
    customer,
    logDirectory,
    // One client address and one user drive the load: the edge limits would be the bottleneck.
    appEnv: { gateway: { RATE_LIMIT_PER_ADDRESS: unlimited, RATE_LIMIT_PER_USER: unlimited } },
    report: (line) => process.stderr.write(`[load] ${line}\n`),
  });
  const kafka = new Kafka({
    clientId: 'order-load',
    brokers: settings.kafkaBrokers,
    logLevel: logLevel.WARN,
  });
  const observer = kafka.consumer({ groupId: `${prefix}load-observer` });
  const log = (line: string) => process.stderr.write(`[load] ${line}\n`);
  try {
    const gateway = system.urls.gateway;
    const call: GatewayCall = async (method, path, token, body, headers = {}) => {
      const response = await fetch(`${gateway}${path}`, {
        method,
        headers: {
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...headers,
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      return {
        status: response.status,
        body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
      };
    };
    const login = async (account: typeof admin) =>
      (await call('POST', '/api/v1/auth/login', undefined, account)).body['accessToken'] as string;
    const adminToken = await login(admin);
    const customerToken = await login(customer);
    const adjust = async (productId: string, delta: number) => {
      const answer = await call('POST', `/api/v1/products/${productId}/stock`, adminToken, {
        delta,
      });
      if (answer.status !== 200) {
        throw new Error(`stock adjustment of ${productId} answered ${answer.status}`);
      }
    };
    const products = (
      (await call('GET', '/api/v1/products?limit=100', undefined)).body['items'] as { id: string }[]
    ).map(({ id }) => id);
    const [hotProduct, ...spreadProducts] = products as [string, ...string[]];
    // The spread products topped up so none is short: the sweep measures the saga, not the shortage path.
    for (const id of spreadProducts) await adjust(id, 50_000);

    const finals = new Map<string, { at: number; approved: boolean }>();
    await observer.connect();
    await observer.subscribe({ topic: `${prefix}${Topics.orderEvents}`, fromBeginning: true });
    await observer.run({
      eachMessage: async ({ message }) => {
        const { envelope } = parseMessage(message.value);
        if (
          envelope.type === 'order.OrderApproved.v1' ||
          envelope.type === 'order.OrderRejected.v1'
        ) {
          finals.set(envelope.correlationId, {
            at: Date.parse(envelope.time),
            approved: envelope.type === 'order.OrderApproved.v1',
          });
        }
      },
    });

    const processes: WatchedProcess[] = [
      ...APP_NAMES.map((app) => ({ name: app, pid: () => system.apps.get(app)?.pid })),
      ...SERVERS.map((server) => ({
        name: server === 'mongo' ? settings.mongodbServer : server,
        pid: () => runningProcess(server)?.pid,
      })),
      { name: 'load generator', pid: () => process.pid },
    ];
    // Idle: started, logged in, stock topped up, nothing else for a few seconds.
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    const idle = new Map(APP_NAMES.map((app) => [app, memoryOf(system.apps.get(app)?.pid).rss]));
    const stockBefore = await stockSnapshot(catalog.url);
    const restocked = new Map<string, number>();

    const sweep: PhaseResult[] = [];
    const steps = new Map<number, Map<string, { p50: number; max: number }>>();
    let counter = 0;
    for (const rate of SWEEP) {
      log(`sweep: ${rate}/s for ${PHASE_SECONDS} s`);
      const result = await runPhase({
        spec: {
          name: `spread, ${rate}/s`,
          rate,
          seconds: PHASE_SECONDS,
          productFor: () => spreadProducts[(counter += 1) % spreadProducts.length] as string,
        },
        call,
        token: customerToken,
        finals,
        processes,
        drainMs: DRAIN_MS,
      });
      sweep.push(result);
      steps.set(rate, await stepLatencies(call, customerToken));
      log(
        `  ${result.completedPerSecond.toFixed(1)} completed/s, p50 ${result.p50} ms, p99 ${result.p99} ms`,
      );
      if (result.completedPerSecond < 0.9 * rate && rate >= LATENCY_RATE) break;
    }

    // Every order on one product, with stock for 80 % of them: the rest must be refused.
    const hotOrders = Math.round(HOT_RATE * PHASE_SECONDS);
    const hotStock = Math.floor(hotOrders * 0.8);
    const hotAvailable = stockBefore.get(hotProduct)?.available ?? 0;
    await adjust(hotProduct, hotStock - hotAvailable);
    restocked.set(hotProduct, hotStock - hotAvailable);
    log(`hot product: ${HOT_RATE}/s for ${PHASE_SECONDS} s on ${hotStock} units`);
    const hotResult = await runPhase({
      spec: {
        name: `hot product, ${HOT_RATE}/s`,
        rate: HOT_RATE,
        seconds: PHASE_SECONDS,
        productFor: () => hotProduct,
      },
      call,
      token: customerToken,
      finals,
      processes,
      drainMs: DRAIN_MS,
    });
    const memory = APP_NAMES.map((app) => {
      const { rss, peak } = memoryOf(system.apps.get(app)?.pid);
      return { app, idle: idle.get(app) ?? Number.NaN, loaded: rss, peak };
    });
    // The stock is committed after OrderApproved: read it once every saga ended.
    const running = await sagasEnded(orders.url, DRAIN_MS);
    if (running > 0) log(`${running} sagas still running after ${DRAIN_MS / 1_000} s`);
    const hotAfter = (await stockSnapshot(catalog.url)).get(hotProduct);
    const soldOnHot = (hotAfter?.sold ?? 0) - (stockBefore.get(hotProduct)?.sold ?? 0);

    log('invariants');
    const invariants = await checkInvariants(
      { ordersUrl: orders.url, paymentsUrl: payments.url, catalogUrl: catalog.url },
      stockBefore,
      restocked,
    );
    for (const { name, ok, detail } of invariants)
      log(`  ${ok ? 'ok  ' : 'FAIL'} ${name}: ${detail}`);

    log(`floor: bare kafkajs and pg at ${LATENCY_RATE}/s`);
    const floor: FloorResult = await measureFloor({
      brokers: settings.kafkaBrokers,
      postgresUrl: floorDatabase.url,
      topicPrefix: prefix,
      hops: SAGA_HOPS,
      rate: LATENCY_RATE,
      seconds: PHASE_SECONDS,
    });
    log(`  floor p50 ${floor.p50} ms, p99 ${floor.p99} ms`);

    mkdirSync(join(root, 'bench'), { recursive: true });
    const previous = previousFigures(
      existsSync(reportPath) ? readFileSync(reportPath, 'utf8') : undefined,
    );
    writeFileSync(
      reportPath,
      renderReport({
        machine: describeMachine(),
        mongoServer: settings.mongodbServer,
        phaseSeconds: PHASE_SECONDS,
        sweep,
        steps,
        hot: { result: hotResult, stock: hotStock, soldOnHot },
        floor,
        processes: processes.map(({ name }) => name),
        memory,
        invariants,
        previous,
      }),
    );
    log('report written to bench/order-load-report.md');
    if (!invariants.every(({ ok }) => ok)) process.exitCode = 1;
  } finally {
    await observer.disconnect();
    await system.stop();
    await Promise.all([...databases.map((database) => database.drop()), catalog.drop()]);
    if (process.env['CI'] === 'true') await down();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `order load failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
