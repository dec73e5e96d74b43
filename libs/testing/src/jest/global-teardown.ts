import { stopTestContainers } from './test-containers';

/**
 * Stops containers the global setup started. Native servers keep running
 * (the next run reuses them); `npm run infra:down` stops them.
 */
export default async function globalTeardown(): Promise<void> {
  await stopTestContainers();
}
