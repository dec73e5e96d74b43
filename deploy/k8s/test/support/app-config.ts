import { join } from 'node:path';
import { type AppName, workspaceRoot } from './workspace';

type ConfigLoader = (env: NodeJS.ProcessEnv) => Record<string, unknown>;

/**
 * The app's own start-up check (its zod schema in src/config), run on the
 * environment a manifest gives it: the manifests are checked against the
 * configuration contract itself, not a copy of its variable names. Loaded by
 * path at run time: deploy/ is a consumer of that contract, not a dependency
 * of the app, and no production code imports across that line.
 */
export function loadAppConfig(app: AppName, env: Record<string, string>): Record<string, unknown> {
  const file = join(workspaceRoot, 'apps', app, 'src', 'config', `${app}-config.ts`);
  const module = require(file) as Record<string, ConfigLoader>;
  const loaderName = `load${app[0]?.toUpperCase()}${app.slice(1)}Config`;
  const load = module[loaderName];
  if (typeof load !== 'function') throw new Error(`${file} exports no ${loaderName}`);
  return load(env);
}
