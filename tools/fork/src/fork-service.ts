import { createProjectGraphAsync, type ProjectGraph } from '@nx/devkit';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative, resolve } from 'node:path';

const workspaceRoot = resolve(__dirname, '../../..');

/** Root files a forked service keeps as they are. */
const ROOT_FILES = ['jest.preset.cjs', '.npmrc', '.prettierrc', '.editorconfig'];
/** What Nest needs at run time without importing it by name (peer dependencies). */
const RUNTIME_COMPANIONS = ['class-transformer', 'reflect-metadata', 'rxjs'];
/** What a fork needs to build, run and test, whatever its code imports. */
const TOOLING = [
  '@nx/jest',
  '@swc-node/register',
  '@swc/core',
  '@swc/helpers',
  '@swc/jest',
  '@types/jest',
  '@types/node',
  'jest',
  'jest-environment-node',
  'prettier',
  'ts-node',
  'tsx',
  'typescript',
];

export interface ForkResult {
  app: string;
  directory: string;
  /** The workspace projects copied along with the app (its libraries, their tools). */
  projects: string[];
  dependencies: Record<string, string>;
}

/**
 * Copies one app out of the monorepo into a directory of its own, as a
 * standalone repository: the app, every workspace library it depends on
 * (from Nx's project graph, transitively), the root configuration it needs,
 * a tsconfig with only those path aliases, and a package.json with only the
 * packages its code imports, at the versions the monorepo pins.
 */
export async function forkService(app: string, directory: string): Promise<ForkResult> {
  const graph = await createProjectGraphAsync({ exitOnError: false });
  if (!graph.nodes[app] || graph.nodes[app].type !== 'app') {
    throw new Error(`no app named ${app}: one of ${appsOf(graph).join(', ')}`);
  }
  if (existsSync(directory) && readdirSync(directory).length > 0) {
    throw new Error(`${directory} is not empty`);
  }
  const projects = dependenciesOf(graph, app);
  mkdirSync(directory, { recursive: true });
  for (const project of [app, ...projects]) {
    const source = graph.nodes[project]?.data.root as string;
    cpSync(join(workspaceRoot, source), join(directory, source), {
      recursive: true,
      filter: (path) => !/(^|\/)(node_modules|dist|\.nx)(\/|$)/.test(relative(workspaceRoot, path)),
    });
  }
  for (const file of ROOT_FILES) cpSync(join(workspaceRoot, file), join(directory, file));

  const base = JSON.parse(readFileSync(join(workspaceRoot, 'tsconfig.base.json'), 'utf8')) as {
    compilerOptions: { paths: Record<string, string[]> };
  };
  const kept = new Set(projects.map((project) => graph.nodes[project]?.data.root as string));
  base.compilerOptions.paths = Object.fromEntries(
    Object.entries(base.compilerOptions.paths).filter(([, [target]]) =>
      [...kept].some((root) => target?.startsWith(`${root}/`)),
    ),
  );
  writeFileSync(join(directory, 'tsconfig.base.json'), `${JSON.stringify(base, null, 2)}\n`);

  const rootPackage = JSON.parse(readFileSync(join(workspaceRoot, 'package.json'), 'utf8')) as {
    engines: Record<string, string>;
    dependencies: Record<string, string>;
    devDependencies: Record<string, string>;
  };
  const pinned = { ...rootPackage.devDependencies, ...rootPackage.dependencies };
  const { production, development } = importedPackages(directory);
  for (const name of RUNTIME_COMPANIONS) production.add(name);
  const version = (name: string): string => {
    const found = pinned[name];
    if (!found)
      throw new Error(`${name} is imported but not pinned in the monorepo's package.json`);
    return found;
  };
  const dependencies = Object.fromEntries(
    [...production].sort().map((name) => [name, version(name)]),
  );
  // The type packages of what it imports (`pg` → `@types/pg`), where the monorepo pins them.
  const typePackages = [...production, ...development]
    .map((name) => `@types/${name.startsWith('@') ? name.slice(1).replace('/', '__') : name}`)
    .filter((name) => name in rootPackage.devDependencies);
  const devDependencies = Object.fromEntries(
    [...new Set([...TOOLING, ...development, ...typePackages])]
      .filter((name) => !production.has(name))
      .sort()
      .map((name) => [name, version(name)]),
  );
  const swc = 'node -r @swc-node/register';
  const scripts: Record<string, string> = {
    start: `SWC_NODE_PROJECT=tsconfig.base.json ${swc} apps/${app}/src/main.ts`,
    test: `jest -c apps/${app}/jest.config.cjs`,
    typecheck: `tsc -p apps/${app}/tsconfig.json --noEmit`,
  };
  if (existsSync(join(directory, 'apps', app, 'src', 'migrate.ts'))) {
    scripts['migrate'] = `SWC_NODE_PROJECT=tsconfig.base.json ${swc} apps/${app}/src/migrate.ts`;
  }
  if (existsSync(join(directory, 'tools', 'infra'))) {
    scripts['infra:up'] = 'tsx tools/infra/src/cli.ts up';
    scripts['infra:env'] = 'tsx tools/infra/src/cli.ts env';
    scripts['infra:down'] = 'tsx tools/infra/src/cli.ts down';
  }
  writeFileSync(
    join(directory, 'package.json'),
    `${JSON.stringify(
      {
        name: `${app}-service`,
        version: '0.0.0',
        private: true,
        engines: rootPackage.engines,
        scripts,
        dependencies,
        devDependencies,
      },
      null,
      2,
    )}\n`,
  );
  writeFileSync(join(directory, '.gitignore'), 'node_modules\ndist\ntmp\n.infra\n');
  return { app, directory, projects, dependencies };
}

function appsOf(graph: ProjectGraph): string[] {
  return Object.values(graph.nodes)
    .filter((node) => node.type === 'app')
    .map((node) => node.name)
    .sort();
}

/** Workspace projects `project` depends on, transitively (not npm packages). */
function dependenciesOf(graph: ProjectGraph, project: string): string[] {
  const seen = new Set<string>();
  const visit = (name: string) => {
    for (const { target } of graph.dependencies[name] ?? []) {
      if (!graph.nodes[target] || seen.has(target)) continue;
      seen.add(target);
      visit(target);
    }
  };
  visit(project);
  return [...seen].sort();
}

/**
 * Package names the fork imports: production ones from the app's and its
 * libraries' sources, development ones from tests and test tooling.
 */
function importedPackages(directory: string): {
  production: Set<string>;
  development: Set<string>;
} {
  const production = new Set<string>();
  const development = new Set<string>();
  const builtins = new Set(builtinModules);
  const pattern = /(?:from\s+|require\(|import\(|^import\s+)\s*['"]([^'"./][^'"]*)['"]/gm;
  const isDevelopment = (path: string) =>
    /(^|\/)(test|tools|libs\/testing)\//.test(path) ||
    /\.(spec|test)\.ts$/.test(path) ||
    /\.cjs$/.test(path);
  const walk = (path: string) => {
    for (const entry of readdirSync(path)) {
      const full = join(path, entry);
      if (entry === 'node_modules') continue;
      if (statSync(full).isDirectory()) walk(full);
      else if (/\.(ts|cjs|mjs|js)$/.test(entry)) {
        const into = isDevelopment(relative(directory, full)) ? development : production;
        for (const [, specifier] of readFileSync(full, 'utf8').matchAll(pattern)) {
          if (!specifier || specifier.startsWith('node:') || specifier.startsWith('@shop/'))
            continue;
          const parts = specifier.split('/');
          const name = specifier.startsWith('@')
            ? parts.slice(0, 2).join('/')
            : (parts[0] as string);
          if (!builtins.has(name)) into.add(name);
        }
      }
    }
  };
  walk(directory);
  return { production, development };
}
