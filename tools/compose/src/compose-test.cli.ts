// `npm run compose:test`: docker-compose.yml built and run as a user runs it,
// then proven through the published gateway. Installs what is missing (as
// root), starts an engine if none answers, builds stand-ins for the official
// images that are absent, `up --build --wait`, end-to-end scenarios, a
// container fault drill, a second `up` on the same volumes, and `down -v`.
// How it works and what the stand-ins are: tools/compose/README.md.
import { run } from '@shop/infra';
import { parse } from 'yaml';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { PROJECT, ComposeProject, composeFile, dockerfileBaseImage } from './compose-project';
import { containerFaultDrill } from './container-drill';
import { type Engine, ensureEngine } from './engine';
import { log, seconds } from './log';
import { portVariablesAvoidingTaken, publishedPorts } from './published-ports';
import { ShopScenarios } from './scenarios';
import { ensureImages } from './stand-ins';
import { type DockerCli, ensureCompose } from './toolchain';

const startedAt = Date.now();
const timings: [string, number][] = [];

async function timed<T>(phase: string, body: () => Promise<T>): Promise<T> {
  const startedAt = Date.now();
  log(`--- ${phase}`);
  try {
    return await body();
  } finally {
    timings.push([phase, Date.now() - startedAt]);
  }
}

/** BuildKit where buildx is installed (what users run); the classic builder otherwise. */
async function builderEnv(env: NodeJS.ProcessEnv): Promise<Record<string, string>> {
  if (env['DOCKER_BUILDKIT'] !== undefined) return {};
  const buildx = await run('docker', ['buildx', 'version'], { env });
  return buildx.code === 0 ? {} : { DOCKER_BUILDKIT: '0' };
}

/** `--profile observability` adds exactly the services that name that profile, and they stay out without it. */
async function checkObservabilityProfile(project: ComposeProject): Promise<void> {
  const file = parse(readFileSync(composeFile, 'utf8')) as {
    services: Record<string, { profiles?: string[] }>;
  };
  const inProfile = Object.keys(file.services).filter((name) =>
    file.services[name]?.profiles?.includes('observability'),
  );
  const withProfile = Object.keys((await project.config(['observability'])).services);
  const without = Object.keys((await project.config()).services);
  const missing = inProfile.filter((name) => !withProfile.includes(name));
  const leaked = inProfile.filter((name) => without.includes(name));
  if (inProfile.length === 0 || missing.length > 0 || leaked.length > 0) {
    throw new Error(
      `observability profile: ${inProfile.length} services declare it; missing with it: [${missing}]; present without it: [${leaked}]`,
    );
  }
  log(`ok   docker compose --profile observability config: adds ${inProfile.join(', ')}`);
}

async function printIdleMemory(project: ComposeProject): Promise<void> {
  // Idle: nothing sent for a while, past the start-up work of each service.
  await sleep(15_000);
  const ids = (await project.run(['ps', '--quiet'])).stdout.trim().split('\n').filter(Boolean);
  const { stdout } = await project.docker([
    'stats',
    '--no-stream',
    '--format',
    '{{.Name}}\t{{.MemUsage}}',
    ...ids,
  ]);
  const rows = stdout
    .trim()
    .split('\n')
    .map((line) => line.split('\t') as [string, string])
    .sort(([a], [b]) => a.localeCompare(b));
  const toMiB = (usage: string): number => {
    const [amount = '0', unit = ''] = /^([\d.]+)\s*(\w+)/.exec(usage)?.slice(1) ?? [];
    const factor: Record<string, number> = { KiB: 1 / 1024, MiB: 1, GiB: 1024, B: 1 / 1024 ** 2 };
    return Number(amount) * (factor[unit] ?? 1);
  };
  process.stdout.write(`\nIdle memory per container (docker stats):\n`);
  for (const [name, usage] of rows)
    process.stdout.write(`  ${name.padEnd(40)} ${usage.split(' / ')[0]}\n`);
  const total = rows.reduce((sum, [, usage]) => sum + toMiB(usage), 0);
  process.stdout.write(`  ${'total'.padEnd(40)} ${total.toFixed(0)} MiB\n`);
}

async function showFailureContext(project: ComposeProject): Promise<void> {
  for (const args of [
    ['ps', '--all', '--format', 'table {{.Service}}\t{{.State}}\t{{.Status}}'],
    ['logs', '--no-color', '--tail', '25'],
  ]) {
    const { stdout, stderr } = await project.runForOutput(args);
    process.stderr.write(`\n$ docker compose ${args.join(' ')}\n${stdout}${stderr}`);
  }
}

async function main(): Promise<void> {
  const keepEngine = process.env['COMPOSE_TEST_KEEP_ENGINE'] === 'true';
  let engine: Engine | undefined;
  let project: ComposeProject | undefined;
  let stackUp = false;
  cleanUp = cleanUpOnce(
    () => project,
    () => engine,
  );
  try {
    engine = await timed('engine and tools', async () => {
      const found = await ensureEngine({ keepRunning: keepEngine });
      log(`engine: ${found.description}`);
      return found;
    });
    const ready = engine;
    project = await timed('compose and images', async () => {
      const cli: DockerCli = {
        env: { ...ready.env, ...(await builderEnv(ready.env)) },
        compose: await ensureCompose(ready.env),
      };
      log(
        `builder: ${cli.env['DOCKER_BUILDKIT'] === '0' ? 'classic (DOCKER_BUILDKIT=0)' : 'BuildKit'}`,
      );
      const base = new ComposeProject(cli);
      await checkObservabilityProfile(base);
      // A run that died half-way may have left containers and volumes of this project.
      await base.run(['down', '--volumes', '--remove-orphans']);
      const moved = await portVariablesAvoidingTaken(publishedPorts());
      for (const [variable, port] of Object.entries(moved))
        log(`a published port is taken: ${variable}=${port} for this run`);
      const configured = base.withVariables(moved);
      const model = await configured.config();
      const required = [
        dockerfileBaseImage(),
        ...Object.values(model.services)
          .filter((service) => !service.build && service.image)
          .map((service) => service.image as string),
      ];
      await ensureImages(configured, [...new Set(required)]);
      return configured;
    });
    const stack = project;
    const model = await stack.config();
    const gatewayPort = model.services['gateway']?.ports?.[0];
    if (!gatewayPort?.published) throw new Error('docker-compose.yml publishes no gateway port');
    const gatewayUrl = `http://${gatewayPort.host_ip ?? '127.0.0.1'}:${gatewayPort.published}`;
    const userEnv = (model.services['user'] as { environment?: Record<string, string> })
      .environment;
    const demoCustomer = {
      email: userEnv?.['DEMO_CUSTOMER_EMAIL'] ?? '',
      password: userEnv?.['DEMO_CUSTOMER_PASSWORD'] ?? '',
    };

    stackUp = true;
    if (stack.env['DOCKER_BUILDKIT'] === '0') {
      // Five images from one Dockerfile: the classic builder shares no step between builds
      // that run at once (five `npm ci` on two cores), but reuses every cached step of the one
      // before; BuildKit shares them itself. One service per image: the jobs share their app's.
      const onePerImage = new Map<string, string>();
      for (const [name, service] of Object.entries(model.services)) {
        if (service.build && service.image && !onePerImage.has(service.image))
          onePerImage.set(service.image, name);
      }
      await timed('docker compose build, one image at a time (classic builder)', () =>
        stack.run(['--parallel', '1', 'build', ...onePerImage.values()], { echo: true }),
      );
    }
    await timed('docker compose up --build --wait', () =>
      stack.run(['up', '--build', '--wait', '--wait-timeout', '300'], { echo: true }),
    );
    const scenarios = new ShopScenarios(gatewayUrl, demoCustomer);
    const registered = await timed(`end-to-end scenarios through ${gatewayUrl}`, () =>
      scenarios.runAll(),
    );
    const drill = await timed('container fault drill', () =>
      containerFaultDrill(stack, gatewayUrl, demoCustomer, ['order', 'payment']),
    );
    if (!drill.result.ok) throw new Error('the container fault drill broke an invariant (above)');
    await timed('docker compose down, then up again on the same volumes', async () => {
      await stack.run(['down'], { echo: true });
      await stack.run(['up', '--wait', '--wait-timeout', '300'], { echo: true });
      await scenarios.checkKept(registered);
    });
    await printIdleMemory(stack);
  } catch (error) {
    if (project && stackUp) await showFailureContext(project);
    throw error;
  } finally {
    await cleanUp();
  }
}

/** Undoes what the run set up: the stack and its volumes, then an engine it started. Once. */
let cleanUp: () => Promise<void> = async () => undefined;

function cleanUpOnce(
  getProject: () => ComposeProject | undefined,
  getEngine: () => Engine | undefined,
) {
  let done: Promise<void> | undefined;
  return () =>
    (done ??= (async () => {
      const project = getProject();
      if (project) {
        await timed('docker compose down -v', () =>
          project.run(['down', '--volumes', '--remove-orphans']),
        );
      }
      await getEngine()?.release();
      process.stdout.write(`\nPhases (project ${PROJECT}):\n`);
      for (const [phase, milliseconds] of timings)
        process.stdout.write(`  ${phase.padEnd(62)} ${seconds(milliseconds)}\n`);
      process.stdout.write(`  ${'total'.padEnd(62)} ${seconds(Date.now() - startedAt)}\n`);
    })());
}

// Ctrl-C or a CI timeout: the stack and the engine still go.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`${signal}: cleaning up`);
    cleanUp().then(
      () => process.exit(130),
      (error: unknown) => {
        process.stderr.write(`cleaning up failed: ${String(error)}\n`);
        process.exit(130);
      },
    );
  });
}

main().then(
  () => {
    process.stdout.write('\ncompose test: passed\n');
  },
  (error: unknown) => {
    process.stderr.write(
      `\ncompose test: FAILED: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    const hint = (error as { hint?: string }).hint;
    if (hint) process.stderr.write(`how to fix: ${hint}\n`);
    process.exitCode = 1;
  },
);
