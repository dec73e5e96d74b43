import { type DrillResult, type Fault, runDrill } from '@shop/drills';
import { run } from '@shop/infra';
import { setTimeout as sleep } from 'node:timers/promises';
import { type ComposeProject } from './compose-project';
import { log, seconds } from './log';
import { PRODUCT_CACHE_TTL_MS } from './scenarios';

interface ContainerState {
  restartCount: number;
  status: string;
  health: string;
}

async function stateOf(project: ComposeProject, container: string): Promise<ContainerState> {
  const { stdout } = await project.docker([
    'inspect',
    '--format',
    '{{.RestartCount}} {{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}',
    container,
  ]);
  const [restartCount, status = '', health = ''] = stdout.trim().split(' ');
  return { restartCount: Number(restartCount), status, health };
}

/**
 * The app's process dies as in a crash (SIGKILL to everything in the
 * container but its init, tini, which then exits with the app's status).
 * Not `docker kill`: the engine records that as a stop by the operator, and
 * `restart: unless-stopped` rightly leaves such a container stopped.
 */
async function crash(project: ComposeProject, container: string): Promise<void> {
  // Its exit status is not the evidence (the exec may die with the container): the restart
  // count and health that `recovered` waits for are.
  await run('docker', ['exec', container, 'sh', '-c', 'kill -s KILL -- -1'], { env: project.env });
}

/**
 * `npm run drill`'s burst of orders through the published gateway, with the
 * order and payment services' processes killed half-way; the invariants are
 * the drill's (every order final, one capture per approved order, none for
 * the others, stock conserved), and both containers must come back healthy
 * by the compose file's restart policy alone.
 */
export async function containerFaultDrill(
  project: ComposeProject,
  gatewayUrl: string,
  customer: { email: string; password: string },
  services: string[],
): Promise<{ result: DrillResult; restarts: string[] }> {
  const containers = new Map<string, string>();
  for (const service of services) containers.set(service, await project.containerOf(service));
  const before = new Map<string, ContainerState>();
  for (const [service, container] of containers)
    before.set(service, await stateOf(project, container));

  // Watched from the kill on, in the background: how soon each is healthy again.
  const recoveries: Promise<string>[] = [];
  const fault: Fault = {
    name: `kill -9 of the ${services.join(' and ')} containers' processes`,
    inject: async () => {
      const killedAt = Date.now();
      await Promise.all([...containers.values()].map((container) => crash(project, container)));
      for (const [service, container] of containers) {
        const recovery = recovered(project, service, container, before.get(service), killedAt);
        // Awaited after the burst; until then a failure must not go unhandled.
        recovery.catch(() => undefined);
        recoveries.push(recovery);
      }
    },
  };
  const result = await runDrill({
    gatewayUrl,
    customer,
    fault,
    orders: 12,
    productCacheTtlMs: PRODUCT_CACHE_TTL_MS,
    report: (line) => log(`[drill] ${line}`),
  });
  const restarts = await Promise.all(recoveries);
  for (const line of restarts) log(line);
  return { result, restarts };
}

/** Waits until the container runs healthy again after a restart by its policy; says how soon. */
async function recovered(
  project: ComposeProject,
  service: string,
  container: string,
  before: ContainerState | undefined,
  killedAt: number,
): Promise<string> {
  const deadline = killedAt + 180_000;
  for (;;) {
    const state = await stateOf(project, container);
    const restarted = state.restartCount > (before?.restartCount ?? 0);
    if (restarted && state.status === 'running' && state.health === 'healthy') {
      return (
        `${service}: restarted by its restart policy (restarts ${before?.restartCount ?? 0} -> ${state.restartCount}), ` +
        `healthy ${seconds(Date.now() - killedAt)} after the kill`
      );
    }
    if (Date.now() > deadline) {
      throw new Error(
        `${service} did not come back healthy by its restart policy within 180 s ` +
          `(${state.status}, ${state.health}, restarts ${state.restartCount})`,
      );
    }
    await sleep(250);
  }
}
