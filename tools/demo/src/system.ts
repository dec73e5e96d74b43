import { spawn } from 'node:child_process';
import { appendFileSync, closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import {
  APP_NAMES,
  type AppName,
  DEFAULT_PORTS,
  PREPARE_JOBS,
  SERVICE_NODE_FLAGS,
  START_WAVES,
} from './apps';
import {
  DEFAULT_RESTART_POLICY,
  type RestartPolicy,
  SupervisedApp,
  formatSeconds,
} from './supervised-app';

const workspaceRoot = resolve(__dirname, '../../..');

export interface Account {
  email: string;
  password: string;
}

export interface SystemOptions {
  /**
   * Where the stores and the broker are: `USER_DATABASE_URL`,
   * `ORDER_DATABASE_URL`, `PAYMENT_DATABASE_URL`, `CATALOG_MONGODB_URL`,
   * `KAFKA_BROKERS` (what `settingsToEnv` of `@shop/infra` gives; a test
   * passes its own databases here); `REDIS_URL` when the gateway's rate
   * limits should live in Redis (else in its memory).
   */
  servers: Record<string, string>;
  /** The user service's RS256 signing key (PKCS#8 PEM): keep it across restarts. */
  authPrivateKey: string;
  /** Ports by app; the defaults are 3000 (gateway) to 3004. */
  ports?: Partial<Record<AppName, number>>;
  /** Every topic and consumer group under this prefix (a test's own namespace). */
  kafkaTopicPrefix?: string;
  /** Created by the user service at start-up when missing. */
  admin?: Account;
  customer?: Account;
  /** Extra settings for every app, then for one app (these win). */
  env?: Record<string, string>;
  appEnv?: Partial<Record<AppName, Record<string, string>>>;
  /** One `<app>.log` per app, appended to on every start. */
  logDirectory: string;
  /** The build output (`nx run-many -t build`); default `dist/apps`. */
  distDirectory?: string;
  /** Run the migrations and the catalog seed first (idempotent); default true. */
  prepare?: boolean;
  restartPolicy?: Partial<RestartPolicy>;
  /** How long one app may take to be ready; default 90 s. */
  readyTimeoutMs?: number;
  /** How long SIGTERM may take before SIGKILL; default 10 s. */
  stopGraceMs?: number;
  /** Progress lines for a person; default: silent. */
  report?: (message: string) => void;
  /** Aborting it stops every app, also while the system is still starting (Ctrl-C). */
  signal?: AbortSignal;
  /** Called with each new process id (the demo records them, to clean up after a crash). */
  onSpawn?: (app: AppName, pid: number) => void;
}

export interface RunningSystem {
  /** `http://127.0.0.1:<port>` by app. */
  urls: Record<AppName, string>;
  apps: Map<AppName, SupervisedApp>;
  /** Stops every app (the gateway first), SIGTERM then SIGKILL after the grace period. */
  stop(): Promise<void>;
}

const REQUIRED_SERVER_SETTINGS = [
  'USER_DATABASE_URL',
  'ORDER_DATABASE_URL',
  'PAYMENT_DATABASE_URL',
  'CATALOG_MONGODB_URL',
  'KAFKA_BROKERS',
] as const;

/**
 * Starts the five apps from the build output, each as its own OS process,
 * in dependency order, each waited for until ready, and keeps them running.
 * `npm run demo`, the end-to-end tests and the fault drills all start the
 * system through here.
 */
export async function startSystem(options: SystemOptions): Promise<RunningSystem> {
  const missing = REQUIRED_SERVER_SETTINGS.filter((name) => !options.servers[name]);
  if (missing.length > 0) {
    throw new Error(`startSystem: servers lacks ${missing.join(', ')} (see npm run infra:env)`);
  }
  const report = options.report ?? (() => undefined);
  const distDirectory = options.distDirectory ?? join(workspaceRoot, 'dist', 'apps');
  const ports = { ...DEFAULT_PORTS, ...options.ports };
  const env = appEnvironments(options, ports);
  mkdirSync(options.logDirectory, { recursive: true });

  const entry = (app: AppName, name: string): string =>
    join(distDirectory, app, 'apps', app, 'src', `${name}.js`);
  for (const app of APP_NAMES) {
    try {
      readFileSync(entry(app, 'main'));
    } catch {
      throw new Error(
        `${entry(app, 'main')} is missing: build the apps first (npx nx run-many -t build)`,
      );
    }
  }
  await assertPortsFree(ports);

  if (options.prepare ?? true) {
    await Promise.all(
      PREPARE_JOBS.map(async ({ app, entry: job }) => {
        const output = await runToCompletion(
          app,
          job,
          entry(app, job),
          env[app],
          join(options.logDirectory, `${app}.log`),
        );
        report(`${app} ${job}: ${output}`);
      }),
    );
  }

  const restartPolicy = { ...DEFAULT_RESTART_POLICY, ...options.restartPolicy };
  const apps = new Map<AppName, SupervisedApp>(
    APP_NAMES.map((app) => [
      app,
      new SupervisedApp({
        name: app,
        entry: entry(app, 'main'),
        port: ports[app],
        env: env[app],
        logPath: join(options.logDirectory, `${app}.log`),
        restartPolicy,
        stopGraceMs: options.stopGraceMs ?? 10_000,
        report,
        onSpawn: (pid) => options.onSpawn?.(app, pid),
      }),
    ]),
  );
  // If this process ends without stop() (an uncaught error), take the apps with it.
  const killAll = (): void => apps.forEach((app) => app.killNow());
  process.once('exit', killAll);

  // One stop at a time: a second SIGTERM would cut an app's graceful shutdown short.
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      options.signal?.removeEventListener('abort', onAbort);
      for (const wave of [...START_WAVES].reverse()) {
        await Promise.all(wave.map((app) => (apps.get(app) as SupervisedApp).stop()));
      }
      process.removeListener('exit', killAll);
    })());
  function onAbort(): void {
    stop().catch((error: unknown) => report(`stopping failed: ${String(error)}`));
  }
  options.signal?.throwIfAborted();
  options.signal?.addEventListener('abort', onAbort, { once: true });

  try {
    for (const wave of START_WAVES) {
      await Promise.all(
        wave.map(async (name) => {
          const app = apps.get(name) as SupervisedApp;
          const started = Date.now();
          app.start();
          await app.waitUntilReady(options.readyTimeoutMs);
          report(
            `${name.padEnd(8)} ready at ${app.url} (pid ${app.pid}, ${formatSeconds(Date.now() - started)})`,
          );
        }),
      );
    }
  } catch (error) {
    await stop();
    throw error;
  }

  const urls = Object.fromEntries(
    APP_NAMES.map((app) => [app, (apps.get(app) as SupervisedApp).url]),
  ) as Record<AppName, string>;
  return { urls, apps, stop };
}

/** Each app's environment: the caller's, then what this system's wiring needs. */
function appEnvironments(
  options: SystemOptions,
  ports: Record<AppName, number>,
): Record<AppName, NodeJS.ProcessEnv> {
  const local = (app: AppName): string => `http://127.0.0.1:${ports[app]}`;
  const { servers } = options;
  const shared = {
    NODE_ENV: 'production',
    // Loopback only: a demo on a laptop is not a server on the café's network (its admin
    // password is in the README), and the services behind the gateway are never public.
    HOST: '127.0.0.1',
    KAFKA_BROKERS: servers['KAFKA_BROKERS'] as string,
    KAFKA_TOPIC_PREFIX: options.kafkaTopicPrefix ?? '',
    AUTH_ISSUER: `http://localhost:${ports.user}`,
    AUTH_AUDIENCE: 'shop',
    AUTH_JWKS_URL: `${local('user')}/.well-known/jwks.json`,
  };
  const accounts: Record<string, string> = {};
  if (options.admin) {
    accounts['ADMIN_EMAIL'] = options.admin.email;
    accounts['ADMIN_PASSWORD'] = options.admin.password;
  }
  if (options.customer) {
    accounts['DEMO_CUSTOMER_EMAIL'] = options.customer.email;
    accounts['DEMO_CUSTOMER_PASSWORD'] = options.customer.password;
  }
  const own: Record<AppName, Record<string, string>> = {
    user: {
      USER_DATABASE_URL: servers['USER_DATABASE_URL'] as string,
      AUTH_PRIVATE_KEY: options.authPrivateKey,
      // The gateway forwards from loopback: the per-address login limit must see the client.
      TRUST_PROXY: 'loopback',
      ...accounts,
    },
    catalog: { CATALOG_MONGODB_URL: servers['CATALOG_MONGODB_URL'] as string },
    payment: { PAYMENT_DATABASE_URL: servers['PAYMENT_DATABASE_URL'] as string },
    order: {
      ORDER_DATABASE_URL: servers['ORDER_DATABASE_URL'] as string,
      USER_SERVICE_URL: local('user'),
      CATALOG_SERVICE_URL: local('catalog'),
    },
    gateway: {
      USER_SERVICE_URL: local('user'),
      CATALOG_SERVICE_URL: local('catalog'),
      ORDER_SERVICE_URL: local('order'),
      PAYMENT_SERVICE_URL: local('payment'),
      ...(servers['REDIS_URL'] ? { REDIS_URL: servers['REDIS_URL'] } : {}),
    },
  };
  const environments = {} as Record<AppName, NodeJS.ProcessEnv>;
  // The caller's Redis is the system's only when `servers` names it: two systems (test suites)
  // sharing one Redis would share one budget of rate limits.
  const { REDIS_URL: _callers, ...inherited } = process.env;
  for (const app of APP_NAMES) {
    environments[app] = {
      ...inherited,
      ...shared,
      ...own[app],
      ...options.env,
      ...options.appEnv?.[app],
      PORT: String(ports[app]),
    };
  }
  return environments;
}

/** Runs a one-shot entry point (migrate, seed) and returns its last output line. */
async function runToCompletion(
  app: AppName,
  job: string,
  entry: string,
  env: NodeJS.ProcessEnv,
  logPath: string,
): Promise<string> {
  appendFileSync(logPath, `\n=== ${new Date().toISOString()} ${app} ${job}\n`);
  const start = readFileSync(logPath).length;
  const log = openSync(logPath, 'a');
  let code: number | null;
  try {
    const child = spawn(process.execPath, [...SERVICE_NODE_FLAGS, entry], {
      env,
      stdio: ['ignore', log, log],
    });
    code = await new Promise<number | null>((done, fail) => {
      child.once('error', fail);
      child.once('exit', done);
    });
  } finally {
    closeSync(log);
  }
  const output = readFileSync(logPath, 'utf8').slice(start).trim();
  if (code !== 0) {
    throw new Error(`${app} ${job} failed (exit ${code}); see ${logPath}:\n${output}`);
  }
  return output.split('\n')[0] ?? '';
}

async function assertPortsFree(ports: Record<AppName, number>): Promise<void> {
  for (const app of APP_NAMES) {
    const free = await new Promise<boolean>((done) => {
      const server = createServer()
        .once('error', () => done(false))
        .listen(ports[app], () => server.close(() => done(true)));
    });
    if (!free) {
      throw new Error(
        `port ${ports[app]} (the ${app}) is already in use: stop what holds it (another demo? ` +
          `\`ss -ltnp | grep ${ports[app]}\` shows it) and try again`,
      );
    }
  }
}
