// `npm run drill -- <fault> [--orders N]`: a fault drill against the running
// demo (`npm run demo` in another terminal). Prints the invariants; exits 1
// when one does not hold.
import { type AppName, DEFAULT_PORTS, DEMO_PIDS_PATH, demoAccounts } from '@shop/demo';
import { stopNativeKafka, up } from '@shop/infra';
import { existsSync, readFileSync } from 'node:fs';
import { type Fault, runDrill } from './drill';
import { killApp, stopKafka } from './faults';

const FAULTS = ['kill-order', 'kill-catalog', 'kill-payment', 'stop-kafka'] as const;
type FaultName = (typeof FAULTS)[number];

function demoPids(): Record<string, number> {
  return existsSync(DEMO_PIDS_PATH)
    ? (JSON.parse(readFileSync(DEMO_PIDS_PATH, 'utf8')) as Record<string, number>)
    : {};
}

function demoPid(app: string): number {
  const pid = demoPids()[app];
  if (!pid)
    throw new Error(`no ${app} process of the demo is recorded: start \`npm run demo\` first`);
  return pid;
}

function faultOf(name: FaultName): Fault {
  if (name === 'stop-kafka') {
    return stopKafka(
      async () => {
        if ((await stopNativeKafka()) === 'not-running') {
          throw new Error(
            'the demo’s Kafka is not a native broker of this checkout (with Docker: `docker compose stop kafka`)',
          );
        }
      },
      async () => {
        await up();
      },
      15_000,
    );
  }
  const app = name.slice('kill-'.length);
  const killed = demoPid(app);
  // The demo's supervisor starts the app again, as a container runtime would, and records its
  // new pid: a new pid is the restart, seen to within one poll.
  let restartedAt: number | undefined;
  return killApp(
    app,
    () => {
      process.kill(killed, 'SIGKILL');
    },
    {
      url: `http://127.0.0.1:${DEFAULT_PORTS[app as AppName]}`,
      startedAt: () => {
        if (restartedAt === undefined && demoPids()[app] !== killed) restartedAt = Date.now();
        return restartedAt;
      },
    },
  );
}

async function main(): Promise<void> {
  const [name, ...rest] = process.argv.slice(2);
  if (!FAULTS.includes(name as FaultName)) {
    throw new Error(`usage: npm run drill -- <${FAULTS.join('|')}> [--orders N]`);
  }
  const ordersAt = rest.indexOf('--orders');
  const result = await runDrill({
    gatewayUrl: process.env['GATEWAY_URL'] ?? 'http://localhost:3000',
    customer: demoAccounts().customer,
    fault: faultOf(name as FaultName),
    orders: ordersAt >= 0 ? Number(rest[ordersAt + 1]) : 12,
    report: (line) => process.stdout.write(`[drill] ${line}\n`),
  });
  process.stdout.write(
    `[drill] ${result.ok ? 'every invariant holds' : 'AN INVARIANT DOES NOT HOLD'}\n`,
  );
  process.exitCode = result.ok ? 0 : 1;
}

main().catch((error: unknown) => {
  process.stderr.write(`drill failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
