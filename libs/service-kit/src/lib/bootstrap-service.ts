import { isIP } from 'node:net';
import { InvalidConfigurationError } from './invalid-configuration.error';

/** What start-up needs of the app: a Nest application, or anything that serves on a port. */
export interface ListeningApp {
  listen(port: number, host?: string): Promise<unknown>;
  /** A hybrid Nest app: its lifecycle hooks run, then its transports start, then HTTP listens. */
  init?(): Promise<unknown>;
  startAllMicroservices?(): Promise<unknown>;
}

export interface ServiceBootstrap<Config extends { PORT: number }> {
  /** The subject of the failure line: `user service` prints `user service failed to start: …`. */
  name: string;
  loadConfig: () => Config;
  createApp: (config: Config) => Promise<ListeningApp>;
  /**
   * The address to listen on, unless the `HOST` variable names one (the demo
   * binds every app to loopback that way); neither set, the framework's
   * default (every interface on Express; loopback only on Fastify, so a
   * Fastify app passes `0.0.0.0` to be reachable in a container).
   */
  host?: string;
}

/**
 * The whole of a service's `main.ts`: loads the configuration, builds the app
 * and listens on `PORT`. A failure prints one line and exits 1: a
 * configuration error by its message (it names every bad variable), anything
 * else with its stack. Call it from a `main.ts` whose first import is
 * `./instrumentation`: tracing must patch modules before anything loads them.
 */
export function bootstrapService<Config extends { PORT: number }>(
  service: ServiceBootstrap<Config>,
): void {
  start(service).catch((error: unknown) => {
    process.stderr.write(`${service.name} failed to start: ${describe(error)}\n`);
    process.exit(1);
  });
}

async function start<Config extends { PORT: number }>({
  loadConfig,
  createApp,
  host,
}: ServiceBootstrap<Config>): Promise<void> {
  const config = loadConfig();
  const listenOn = listenHost(process.env['HOST']) ?? host;
  const app = await createApp(config);
  await startService(app, {
    port: config.PORT,
    ...(listenOn === undefined ? {} : { host: listenOn }),
  });
}

/**
 * Starts a built app as main.ts does: its lifecycle hooks, then its
 * transports (a hybrid app's messaging, which returns before its consumer has
 * joined its group), then HTTP on `port` when one is given (tests that only
 * consume pass none).
 */
export async function startService(
  app: ListeningApp,
  listening: { port?: number; host?: string } = {},
): Promise<void> {
  await app.init?.();
  await app.startAllMicroservices?.();
  const { port, host } = listening;
  if (port === undefined) return;
  await (host === undefined ? app.listen(port) : app.listen(port, host));
}

/** `HOST`, when set: an IP address or a host name, else a configuration error. */
function listenHost(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (isIP(value) === 0 && !/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/i.test(value)) {
    throw new InvalidConfigurationError(`HOST: "${value}" is not an IP address or a host name`);
  }
  return value;
}

function describe(error: unknown): string {
  if (error instanceof InvalidConfigurationError) return error.message;
  if (error instanceof Error) return error.stack ?? error.message;
  return String(error);
}
