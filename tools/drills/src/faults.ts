import { type Fault } from './drill';

/** Where a killed app can be watched coming back: what the drill measures its restart by. */
export interface RestartWatch {
  /** The app's own base URL (not the gateway's). */
  url: string;
  /** When the app's current process started (ms since the epoch), as its supervisor knows it. */
  startedAt: () => number | undefined;
}

/** How long a killed app took to answer HTTP again, from the start of its new process. */
export interface Recovery {
  app: string;
  /** From the kill to the new process's start: the supervisor's restart delay. */
  restartedAfterMs: number;
  /** From the new process's start to its first 200 on /health/ready. */
  answeredAfterRestartMs: number;
  /** The consumer's state in that first answer: `joining` means HTTP did not wait for the group. */
  consumerWhenAnswered: string;
}

const POLL_MS = 50;

/**
 * kill -9 of one app; its supervisor (the demo, a container runtime) starts it
 * again. With `watch`, the drill also measures how soon the new process
 * answers HTTP (its readiness), and prints it.
 */
export function killApp(
  app: string,
  kill: () => Promise<void> | void,
  watch?: RestartWatch,
): Fault & { recovery?: Promise<Recovery> } {
  const fault: Fault & { recovery?: Promise<Recovery> } = {
    name: `kill -9 ${app}`,
    inject: async () => {
      const killedAt = Date.now();
      await kill();
      if (watch) {
        fault.recovery = measureRecovery(app, watch, killedAt);
        // Awaited by the drill after the burst; until then a failure must not go unhandled.
        fault.recovery.catch(() => undefined);
      }
    },
    measurements: async () => {
      if (!fault.recovery) return [];
      const recovery = await fault.recovery;
      return [
        `${app} restarted ${seconds(recovery.restartedAfterMs)} after the kill; ` +
          `its HTTP API answered ${seconds(recovery.answeredAfterRestartMs)} after the restart ` +
          `(consumer ${recovery.consumerWhenAnswered})`,
      ];
    },
  };
  return fault;
}

async function measureRecovery(
  app: string,
  watch: RestartWatch,
  killedAt: number,
  timeoutMs = 120_000,
): Promise<Recovery> {
  const deadline = killedAt + timeoutMs;
  let startedAt: number | undefined;
  while ((startedAt = watch.startedAt()) === undefined || startedAt < killedAt) {
    if (Date.now() > deadline) throw new Error(`${app} was not restarted within ${timeoutMs} ms`);
    await sleep(POLL_MS);
  }
  for (;;) {
    try {
      const response = await fetch(`${watch.url}/health/ready`, {
        signal: AbortSignal.timeout(1_000),
      });
      if (response.status === 200) {
        const answeredAt = Date.now();
        const body = (await response.json()) as { checks?: Record<string, string> };
        return {
          app,
          restartedAfterMs: startedAt - killedAt,
          answeredAfterRestartMs: answeredAt - startedAt,
          consumerWhenAnswered: body.checks?.['consumer'] ?? 'not reported',
        };
      }
    } catch {
      // Not listening yet (connection refused) or not answering: poll again.
    }
    if (Date.now() > deadline)
      throw new Error(`${app} did not answer HTTP within ${timeoutMs} ms of its kill`);
    await sleep(POLL_MS);
  }
}

const seconds = (milliseconds: number): string => `${(milliseconds / 1_000).toFixed(1)} s`;
const sleep = (milliseconds: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, milliseconds));

/** The broker stops for a while and comes back: producers and consumers must ride it out. */
export function stopKafka(
  stop: () => Promise<void>,
  start: () => Promise<void>,
  downForMs = 10_000,
): Fault {
  let stopped: Promise<void> = Promise.resolve();
  return {
    name: `Kafka stopped for ${Math.round(downForMs / 1_000)} s`,
    inject: async () => {
      stopped = stop();
      await stopped;
    },
    heal: async () => {
      await stopped;
      await new Promise((resolve) => setTimeout(resolve, downForMs));
      await start();
    },
  };
}
