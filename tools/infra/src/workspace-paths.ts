import { createHash } from 'node:crypto';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

const workspaceRoot = resolve(__dirname, '../../..');

/**
 * Where the provisioner keeps things.
 * - state (data, logs, pid records, generated credentials): `.infra/` in the
 *   checkout, so two clones never share a server's data;
 * - cache (Kafka jars, the FerretDB binary): one per user, reused by every
 *   clone and every run; `INFRA_CACHE_DIR` moves it.
 */
export const workspacePaths = {
  root: workspaceRoot,
  composeFile: join(workspaceRoot, 'docker-compose.yml'),
  state: join(workspaceRoot, '.infra'),
  logs: join(workspaceRoot, '.infra', 'logs'),
  run: join(workspaceRoot, '.infra', 'run'),
  cache: resolve(
    process.env['INFRA_CACHE_DIR'] ||
      join(process.env['XDG_CACHE_HOME'] || join(homedir(), '.cache'), 'shop-infra'),
  ),
  /** A short stable id of this checkout, for state kept outside it. */
  id: createHash('sha256').update(workspaceRoot).digest('hex').slice(0, 12),
};

export const logFileOf = (server: string): string => join(workspacePaths.logs, `${server}.log`);
