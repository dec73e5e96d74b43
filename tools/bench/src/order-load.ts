// `npm run bench:orders`: orders driven through the gateway at a fixed rate;
// measures orders per second completed, the time from POST /orders to the
// order's final state (from its OrderApproved/OrderRejected event) and each
// app's memory. Writes bench/order-load-report.md. A report, not a test.
import { APP_NAMES, buildApps, startSystem } from '@shop/demo';
import { down, settingsToEnv, up } from '@shop/infra';
import { parseMessage, Topics } from '@shop/contracts';
import { freePortsFor, TestMongoDatabase, TestPostgresDatabase, uniqueName } from '@shop/testing';
import { Kafka, logLevel } from 'kafkajs';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describeMachine } from './machine';

const root = resolve(__dirname, '../../..');
const admin = { email: 'admin@example.com', password: 'manage-the-shop-42' };
const customer = { email: 'customer@example.com', password: 'buy-something-42' };
const address = {
  recipient: 'Load',
  line1: '1 Busy Road',
  city: 'Paris',
  postalCode: '75001',
  country: 'FR',
};

interface Phase {
  name: string;
  rate: number;
  seconds: number;
}

const PHASES: Phase[] = [
  {
    name: 'latency (50 orders/s offered)',
    rate: Number(process.env['LOAD_LOW_RATE'] ?? 50),
    seconds: 20,
  },
  {
    name: 'throughput (200 orders/s offered)',
    rate: Number(process.env['LOAD_HIGH_RATE'] ?? 200),
    seconds: 10,
  },
];

interface PhaseResult {
  phase: Phase;
  offered: number;
  accepted: number;
  refused: Record<string, number>;
  completed: number;
  approved: number;
  completedPerSecond: number;
  p50: number;
  p95: number;
  p99: number;
}

const percentile = (sorted: number[], p: number): number =>
  sorted.length === 0
    ? Number.NaN
    : (sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number);

function memoryOf(pid: number | undefined): { rss: number; peak: number } {
  if (!pid) return { rss: Number.NaN, peak: Number.NaN };
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) =>
    Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
  return { rss: kib('VmRSS') / 1024, peak: kib('VmHWM') / 1024 };
}

async function main(): Promise<void> {
  const { settings } = await up();
  Object.assign(process.env, settingsToEnv(settings));
  mkdirSync(join(root, 'tmp'), { recursive: true });
  const logDirectory = mkdtempSync(join(root, 'tmp', 'order-load-'));
  await buildApps(join(logDirectory, 'build.log'));
  const databases = await Promise.all(
    ['users', 'orders', 'payments'].map((name) => TestPostgresDatabase.create(`load-${name}`)),
  );
  const [users, orders, payments] = databases as [
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
  const consumer = kafka.consumer({ groupId: `${prefix}load-observer` });
  try {
    const gateway = system.urls.gateway;
    const call = async (
      method: string,
      path: string,
      token: string | undefined,
      body?: unknown,
      headers: Record<string, string> = {},
    ) => {
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
    const products = (
      (await call('GET', '/api/v1/products?limit=100', undefined)).body['items'] as { id: string }[]
    ).map(({ id }) => id);
    // Every product, topped up so no order is short: the run measures the saga, not the shortage path.
    for (const id of products)
      await call('POST', `/api/v1/products/${id}/stock`, adminToken, { delta: 50_000 });

    const ended = new Map<string, { at: number; approved: boolean }>();
    await consumer.connect();
    await consumer.subscribe({ topic: `${prefix}${Topics.orderEvents}`, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const { envelope } = parseMessage(message.value);
        if (
          envelope.type === 'order.OrderApproved.v1' ||
          envelope.type === 'order.OrderRejected.v1'
        ) {
          ended.set(envelope.correlationId, {
            at: Date.parse(envelope.time),
            approved: envelope.type === 'order.OrderApproved.v1',
          });
        }
      },
    });

    const results: PhaseResult[] = [];
    let counter = 0;
    for (const phase of PHASES) {
      process.stderr.write(`[load] ${phase.name}: ${phase.rate}/s for ${phase.seconds} s\n`);
      const sent: { orderId: string; at: number }[] = [];
      const refused: Record<string, number> = {};
      const total = phase.rate * phase.seconds;
      const started = Date.now();
      const inFlight: Promise<void>[] = [];
      for (let index = 0; index < total; index += 1) {
        const due = started + (index * 1_000) / phase.rate;
        const wait = due - Date.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        counter += 1;
        const productId = products[counter % products.length] as string;
        inFlight.push(
          (async () => {
            const at = Date.now();
            try {
              const answer = await call(
                'POST',
                '/api/v1/orders',
                customerToken,
                {
                  items: [{ productId, quantity: 1 }],
                  paymentMethod: { token: 'tok_visa' },
                  shippingAddress: address,
                },
                { 'idempotency-key': randomUUID() },
              );
              if (answer.status === 202)
                sent.push({ orderId: answer.body['orderId'] as string, at });
              else refused[answer.status] = (refused[answer.status] ?? 0) + 1;
            } catch (error) {
              const reason = (error as Error).message;
              refused[reason] = (refused[reason] ?? 0) + 1;
            }
          })(),
        );
      }
      await Promise.all(inFlight);
      const deadline = Date.now() + 90_000;
      while (Date.now() < deadline && sent.some(({ orderId }) => !ended.has(orderId))) {
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      const done = sent.filter(({ orderId }) => ended.has(orderId));
      const latencies = done
        .map(({ orderId, at }) => (ended.get(orderId)?.at ?? at) - at)
        .sort((a, b) => a - b);
      const lastEnd = Math.max(...done.map(({ orderId }) => ended.get(orderId)?.at ?? 0));
      results.push({
        phase,
        offered: total,
        accepted: sent.length,
        refused,
        completed: done.length,
        approved: done.filter(({ orderId }) => ended.get(orderId)?.approved).length,
        completedPerSecond: done.length / ((lastEnd - started) / 1_000),
        p50: percentile(latencies, 50),
        p95: percentile(latencies, 95),
        p99: percentile(latencies, 99),
      });
    }
    // Where the time goes: each participant step, from its command to its reply, over a sample.
    const sample = (await call('GET', '/api/v1/orders?limit=50', customerToken)).body['items'] as {
      id: string;
    }[];
    const steps = new Map<string, number[]>();
    for (const { id } of sample) {
      const order = (await call('GET', `/api/v1/orders/${id}`, customerToken)).body as {
        saga: { timeline: { at: string; step: string | null; event: string }[] } | null;
      };
      const sentAt = new Map<string, number>();
      for (const entry of order.saga?.timeline ?? []) {
        if (!entry.step) continue;
        if (entry.event === 'command-sent') sentAt.set(entry.step, Date.parse(entry.at));
        const sent = sentAt.get(entry.step);
        if (entry.event === 'reply-received' && sent !== undefined) {
          steps.set(entry.step, [...(steps.get(entry.step) ?? []), Date.parse(entry.at) - sent]);
        }
      }
    }
    const stepRows = [...steps].map(([step, values]) => {
      const sorted = [...values].sort((a, b) => a - b);
      return `| ${step} | ${percentile(sorted, 50)} | ${sorted.at(-1)} |`;
    });
    const memory = APP_NAMES.map((app) => ({ app, ...memoryOf(system.apps.get(app)?.pid) }));
    const totalRss = memory.reduce((sum, { rss }) => sum + rss, 0);
    const totalPeak = memory.reduce((sum, { peak }) => sum + peak, 0);
    const row = (result: PhaseResult) =>
      `| ${result.phase.name} | ${result.offered} | ${result.accepted} | ${result.completed} (${result.approved} approved) | ${result.completedPerSecond.toFixed(1)} | ${result.p50} | ${result.p95} | ${result.p99} | ${
        Object.entries(result.refused)
          .map(([why, count]) => `${count}× ${why}`)
          .join(', ') || 'none'
      } |`;
    const [low, high] = results as [PhaseResult, PhaseResult];
    mkdirSync(join(root, 'bench'), { recursive: true });
    writeFileSync(
      join(root, 'bench', 'order-load-report.md'),
      `# Order load

\`npm run bench:orders\` on ${new Date().toISOString().slice(0, 10)}: orders placed through the gateway
at a fixed offered rate by one customer (one line, \`tok_visa\`, stock
topped up so none is short), against the five apps as \`npm run demo\` runs
them (built output, one process each) on this machine's PostgreSQL, Kafka
and MongoDB-wire server. The time to the final state runs from sending
\`POST /orders\` to the order's \`OrderApproved\` (or \`OrderRejected\`) event,
read from Kafka. Load generator, apps and servers share the machine.

## Machine

${describeMachine()}
- MongoDB-wire server: ${settings.mongodbServer}

## Orders

| phase | offered | accepted (202) | reached a final state | completed/s | p50 ms | p95 ms | p99 ms | refused |
|---|---|---|---|---|---|---|---|---|
${results.map(row).join('\n')}

## Where the time goes

Each participant step of the last ${sample.length} orders, from the command sent to the reply received:

| step | p50 ms | max ms |
|---|---|---|
${stepRows.join('\n')}

## Memory (RSS at the end of the run, and peak)

| app | RSS MiB | peak MiB |
|---|---|---|
${memory.map(({ app, rss, peak }) => `| ${app} | ${rss.toFixed(0)} | ${peak.toFixed(0)} |`).join('\n')}
| **all five** | **${totalRss.toFixed(0)}** | **${totalPeak.toFixed(0)}** |

## Against the goals

- 200 orders/s completed: ${high.completedPerSecond.toFixed(1)}/s (${high.completedPerSecond >= 200 ? 'met' : 'not met'})
- saga p99 under 250 ms at 50 orders/s: ${low.p99} ms (${low.p99 < 250 ? 'met' : 'not met'})
- five apps under 600 MB RSS together: ${totalRss.toFixed(0)} MiB (${totalRss < 600 ? 'met' : 'not met'})
`,
    );
    process.stderr.write('[load] report written to bench/order-load-report.md\n');
  } finally {
    await consumer.disconnect();
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
