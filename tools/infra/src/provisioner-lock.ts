import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { InfraError } from './infra-error';
import { progress } from './progress';
import { workspacePaths } from './workspace-paths';

const lockFile = join(workspacePaths.state, 'provisioner.lock');

function holderIsAlive(): boolean {
  let pid: number;
  try {
    pid = Number(readFileSync(lockFile, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Runs `work` while holding this checkout's provisioner lock, so parallel
 * callers (e.g. `nx run-many -t test`, each project's Jest global setup) never
 * initialise a cluster or format Kafka's storage twice. A lock whose holder
 * died is taken over.
 */
export async function withProvisionerLock<T>(work: () => Promise<T>): Promise<T> {
  mkdirSync(workspacePaths.state, { recursive: true });
  const deadline = Date.now() + 10 * 60_000;
  let announced = false;
  for (;;) {
    try {
      const fd = openSync(lockFile, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    if (!holderIsAlive()) {
      rmSync(lockFile, { force: true });
      continue;
    }
    if (Date.now() > deadline) {
      throw new InfraError(`Another provisioner run still holds ${lockFile} after 10 minutes.`);
    }
    if (!announced) progress.step('infra', 'waiting for another provisioner run in this checkout');
    announced = true;
    await sleep(500);
  }
  try {
    return await work();
  } finally {
    rmSync(lockFile, { force: true });
  }
}
