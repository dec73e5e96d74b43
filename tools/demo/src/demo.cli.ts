// `npm run demo`: servers, build, migrations and demo data, then the five apps
// as their own processes, kept running until Ctrl-C. See tools/demo/README.md.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { settingsToEnv, up } from '@shop/infra';
import { type AppName } from './apps';
import { buildApps } from './build-apps';
import { DEMO_DIRECTORY, DEMO_PIDS_PATH, demoAccounts } from './demo-accounts';
import { demoSigningKey } from './demo-signing-key';
import { formatSeconds } from './supervised-app';
import { type RunningSystem, startSystem } from './system';

const workspaceRoot = resolve(__dirname, '../../..');
const demoDirectory = DEMO_DIRECTORY;
const logDirectory = join(demoDirectory, 'logs');
const pidsPath = DEMO_PIDS_PATH;

const { admin, customer } = demoAccounts();

function say(message: string): void {
  process.stdout.write(`[demo] ${message}\n`);
}

async function timed<T>(title: string, work: () => Promise<T>): Promise<T> {
  say(`${title} ...`);
  const started = Date.now();
  const result = await work();
  say(`${title}: done in ${formatSeconds(Date.now() - started)}`);
  return result;
}

/**
 * Apps of an earlier run whose supervisor was killed (they run in their own
 * process groups) would hold the ports: stop them, if they are still ours.
 */
async function stopLeftovers(): Promise<void> {
  if (!existsSync(pidsPath)) return;
  const pids = JSON.parse(readFileSync(pidsPath, 'utf8')) as Partial<Record<AppName, number>>;
  for (const [app, pid] of Object.entries(pids)) {
    if (pid === undefined || !isDemoApp(pid)) continue;
    say(`stopping ${app} (pid ${pid}) left running by an earlier demo`);
    process.kill(pid, 'SIGTERM');
    for (let waited = 0; waited < 10_000 && isDemoApp(pid); waited += 200) {
      await new Promise((done) => setTimeout(done, 200));
    }
    if (isDemoApp(pid)) process.kill(pid, 'SIGKILL');
  }
  writeFileSync(pidsPath, '{}\n');
}

function isDemoApp(pid: number): boolean {
  try {
    // The pid may have been reused by another program since: check what it runs.
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(
      join(workspaceRoot, 'dist', 'apps'),
    );
  } catch {
    return false;
  }
}

/** Ctrl-C (or SIGTERM) at any point: the apps stop in order, SIGTERM then SIGKILL after 10 s. */
function shutdownOnSignal(): AbortSignal {
  const shutdown = new AbortController();
  const onSignal = (signal: NodeJS.Signals): void => {
    if (shutdown.signal.aborted) return; // npm and tsx forward the same Ctrl-C again
    say(`${signal}: stopping the apps (SIGTERM, then SIGKILL after 10 s) ...`);
    shutdown.abort(new Error(`stopped by ${signal}`));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return shutdown.signal;
}

const shutdown = shutdownOnSignal();

async function main(): Promise<void> {
  mkdirSync(logDirectory, { recursive: true });
  await stopLeftovers();

  say('servers: PostgreSQL, Kafka and a MongoDB-wire server (tools/infra) ...');
  const { settings } = await up();
  const servers = settingsToEnv(settings);

  shutdown.throwIfAborted();
  await timed('building the apps (nx run-many -t build; cached after the first time)', () =>
    buildApps(join(logDirectory, 'build.log')),
  );

  const pids: Partial<Record<AppName, number>> = {};
  say(`migrations and the demo catalog, then the apps in dependency order (logs: ${logDirectory})`);
  const system: RunningSystem = await startSystem({
    servers,
    authPrivateKey: demoSigningKey(join(demoDirectory, 'keys', 'auth-private-key.pem')),
    admin,
    customer,
    logDirectory,
    report: (message) => say(`  ${message}`),
    signal: shutdown,
    onSpawn: (app, pid) => {
      pids[app] = pid;
      writeFileSync(pidsPath, `${JSON.stringify(pids)}\n`);
    },
  });

  const gateway = system.urls.gateway;
  process.stdout.write(
    [
      '',
      'The shop is running.',
      `  API (gateway)    ${gateway}/api/v1        e.g. curl ${gateway}/api/v1/products`,
      `  Swagger UI       ${gateway}/docs`,
      `  admin            ${admin.email} / ${admin.password}`,
      `  demo customer    ${customer.email} / ${customer.password}`,
      `  services         ${(['user', 'catalog', 'order', 'payment'] as const).map((app) => `${app} ${system.urls[app]}`).join(', ')}`,
      `  logs             ${logDirectory}/<app>.log`,
      '',
      'An app that dies is restarted (after 1 s, then 2 s, 4 s, ... up to 30 s), as a container runtime would.',
      'Ctrl-C stops the apps; the servers keep running (`npm run infra:down` stops them).',
      '',
    ].join('\n'),
  );

  if (!shutdown.aborted) {
    await new Promise((done) => shutdown.addEventListener('abort', done, { once: true }));
  }
  // startSystem stops on the abort already; this waits for it to finish.
  await system.stop();
  writeFileSync(pidsPath, '{}\n');
  say('apps stopped; the servers are still up (`npm run infra:status`, `npm run infra:down`).');
}

main().catch((error: unknown) => {
  if (shutdown.aborted) {
    say(
      'stopped before the shop was up; the servers are still running (`npm run infra:down` stops them).',
    );
    process.exit(130);
  }
  process.stderr.write(
    `[demo] failed: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  const hint = (error as { hint?: string }).hint;
  if (hint) process.stderr.write(`[demo] how to fix: ${hint}\n`);
  process.exit(1);
});
