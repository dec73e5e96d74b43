import { type Fault } from './drill';

/** kill -9 of one app; its supervisor (the demo, a container runtime) starts it again. */
export function killApp(app: string, kill: () => Promise<void> | void): Fault {
  return { name: `kill -9 ${app}`, inject: async () => kill() };
}

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
