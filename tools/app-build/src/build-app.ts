// `nx run <app>:build`: compiles one app, and exactly the library files it
// reaches, to plain CommonJS under dist/apps/<app>/, with a package.json and a
// lockfile of only the npm packages that code loads. See
// docs/adr/0005-production-build.md.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { builtinModules } from 'node:module';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { createProjectGraphAsync } from '@nx/devkit';
import { type Options, transformFile } from '@swc/core';

const workspaceRoot = resolve(__dirname, '../../..');

/** The entry points an app may have (`src/<entry>.ts`); each becomes an npm script. */
const ENTRY_POINTS = ['main', 'migrate', 'seed'] as const;

/**
 * Packages that a package loads by name at run time, which no import in our
 * code shows: Nest's HTTP adapter and its validation pipe's peers, and
 * TypeORM's PostgreSQL driver. Each is added when its loader is used.
 */
const LOADED_AT_RUN_TIME: Record<string, string[]> = {
  // Nest loads Express itself unless the app passes another adapter (the gateway: Fastify).
  '@nestjs/core': ['@nestjs/platform-express'],
  '@nestjs/common': ['class-validator', 'class-transformer'],
  typeorm: ['pg'],
  'nestjs-pino': ['pino', 'pino-http'],
  // Swagger UI on Fastify serves its files through @fastify/static.
  '@nestjs/platform-fastify': ['@fastify/static'],
};

interface RootPackageJson {
  engines?: Record<string, string>;
  allowScripts?: Record<string, boolean>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
}

const builtins = new Set(builtinModules);

function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
}

async function swcOptions(): Promise<Options> {
  const tsconfig = JSON.parse(
    await readFile(join(workspaceRoot, 'tsconfig.base.json'), 'utf8'),
  ) as { compilerOptions: { paths: Record<string, string[]> } };
  return {
    swcrc: false,
    configFile: false,
    sourceMaps: true,
    jsc: {
      target: 'es2022',
      parser: { syntax: 'typescript', decorators: true },
      // Nest's dependency injection reads constructor parameter types from this metadata.
      transform: { legacyDecorator: true, decoratorMetadata: true },
      keepClassNames: true,
      // `@shop/*` imports become relative paths, so the output needs no resolver at run time.
      baseUrl: workspaceRoot,
      paths: tsconfig.compilerOptions.paths,
    },
    module: { type: 'commonjs' },
  };
}

/** The TypeScript file a relative `require` of compiled code points at. */
function sourceOf(fromFile: string, specifier: string): string {
  const base = resolve(dirname(fromFile), specifier);
  const candidate = [`${base}.ts`, join(base, 'index.ts')].find((path) => existsSync(path));
  if (!candidate) throw new Error(`${relative(workspaceRoot, fromFile)}: cannot find ${specifier}`);
  return candidate;
}

/**
 * Compiles every file reachable from the entry points, following the
 * `require`s of the compiled code, and returns the npm packages they load.
 */
async function compileReachable(
  entries: string[],
  outputRoot: string,
): Promise<{ files: number; packages: Set<string> }> {
  const options = await swcOptions();
  const seen = new Set<string>(entries);
  const packages = new Set<string>();
  let wave = entries;
  while (wave.length > 0) {
    const next: string[] = [];
    await Promise.all(
      wave.map(async (file) => {
        const target = join(outputRoot, relative(workspaceRoot, file)).replace(/\.ts$/, '.js');
        const { code, map } = await transformFile(file, { ...options, outputPath: target });
        await mkdir(dirname(target), { recursive: true });
        await writeFile(target, `${code}\n//# sourceMappingURL=${basename(target)}.map\n`);
        if (map) await writeFile(`${target}.map`, map);
        for (const [, specifier = ''] of code.matchAll(/\brequire\("([^"]+)"\)/g)) {
          if (specifier.startsWith('.')) {
            const source = sourceOf(file, specifier);
            if (!seen.has(source)) {
              seen.add(source);
              next.push(source);
            }
          } else if (!specifier.startsWith('node:') && !builtins.has(specifier)) {
            packages.add(packageName(specifier));
          }
        }
      }),
    );
    wave = next;
  }
  return { files: seen.size, packages };
}

async function build(app: string): Promise<void> {
  const graph = await createProjectGraphAsync({ exitOnError: true });
  const node = graph.nodes[app];
  if (node?.data.projectType !== 'application') {
    throw new Error(`${app} is not an application of this workspace`);
  }
  const sourceRoot = node.data.sourceRoot ?? join(node.data.root, 'src');
  const finalRoot = join(workspaceRoot, 'dist', node.data.root);
  // Built beside the old output and swapped in at the end: apps started from
  // dist/ meanwhile (a demo, another test run) find a complete output.
  const outputRoot = `${finalRoot}.building-${process.pid}`;
  try {
    await buildInto(app, sourceRoot, outputRoot);
  } catch (error) {
    await rm(outputRoot, { recursive: true, force: true });
    throw error;
  }
  // Two builds of one app at once (parallel test runs) may race for the swap: the last one wins.
  for (let attempt = 1; ; attempt += 1) {
    await rm(finalRoot, { recursive: true, force: true });
    try {
      await rename(outputRoot, finalRoot);
      return;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (attempt === 3 || (code !== 'ENOTEMPTY' && code !== 'EEXIST')) throw error;
    }
  }
}

async function buildInto(app: string, sourceRoot: string, outputRoot: string): Promise<void> {
  const entries = ENTRY_POINTS.filter((entry) =>
    existsSync(join(workspaceRoot, sourceRoot, `${entry}.ts`)),
  );
  const { files, packages } = await compileReachable(
    entries.map((entry) => join(workspaceRoot, sourceRoot, `${entry}.ts`)),
    outputRoot,
  );

  const root = JSON.parse(
    await readFile(join(workspaceRoot, 'package.json'), 'utf8'),
  ) as RootPackageJson;
  for (const [loader, loaded] of Object.entries(LOADED_AT_RUN_TIME)) {
    if (packages.has(loader)) for (const name of loaded) packages.add(name);
  }
  if (packages.has('@nestjs/platform-fastify')) packages.delete('@nestjs/platform-express');
  const dependencies: Record<string, string> = {};
  for (const name of [...packages].sort()) {
    const version = root.dependencies[name];
    if (!version) {
      throw new Error(
        root.devDependencies[name]
          ? `${app} loads ${name} at run time, but it is a devDependency: move it to dependencies`
          : `${app} loads ${name}, which package.json does not declare: add it to dependencies`,
      );
    }
    dependencies[name] = version;
  }

  const manifest = {
    name: `@shop/${app}`,
    version: '0.0.0',
    private: true,
    main: `${sourceRoot}/main.js`,
    engines: root.engines,
    scripts: Object.fromEntries(
      entries.map((entry) => [
        entry === 'main' ? 'start' : entry,
        // The service itself runs with SERVICE_NODE_FLAGS (tools/demo; a workspace test holds the
        // two together); one-off jobs (migrate, seed) with Node's defaults.
        entry === 'main'
          ? `node --max-semi-space-size=4 ${sourceRoot}/${entry}.js`
          : `node ${sourceRoot}/${entry}.js`,
      ]),
    ),
    dependencies,
    // npm 11 reads the install-script allowlist from the install root: keep the workspace's.
    allowScripts: root.allowScripts,
  };
  await writeFile(join(outputRoot, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  // The workspace lockfile, pruned to these packages: the image installs what was tested.
  await pruneLockFile(outputRoot);
  process.stdout.write(
    `${app}: ${files} files (${entries.join(', ')} and what they import), ` +
      `${Object.keys(dependencies).length} npm packages -> ${relative(workspaceRoot, outputRoot).replace(/\.building-\d+$/, '')}\n`,
  );
}

/**
 * The workspace lockfile, pruned by npm itself to the manifest beside it:
 * every package keeps the version and the place in the tree the tests ran
 * with. (Nx's createLockFile misplaced nested duplicates once the
 * OpenTelemetry exporters hoisted a second yargs: `npm ci` refused its output.)
 */
async function pruneLockFile(outputRoot: string): Promise<void> {
  await copyFile(join(workspaceRoot, 'package-lock.json'), join(outputRoot, 'package-lock.json'));
  await promisify(execFile)(
    'npm',
    [
      'install',
      '--package-lock-only',
      '--ignore-scripts',
      '--prefer-offline',
      '--no-audit',
      '--no-fund',
      '--loglevel=error',
    ],
    { cwd: outputRoot },
  );
}

const app = process.argv[2];
if (!app) {
  process.stderr.write('usage: tsx tools/app-build/src/build-app.ts <app>\n');
  process.exit(2);
}
build(app).catch((error: unknown) => {
  process.stderr.write(
    `build of ${app} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
