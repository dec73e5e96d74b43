import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SERVICE_NODE_FLAGS } from '@shop/demo';

const workspaceRoot = resolve(__dirname, '../../..');

interface Instruction {
  keyword: string;
  args: string;
}

interface Stage {
  name: string;
  from: string;
  instructions: Instruction[];
}

/** The Dockerfile's instructions by stage (comments dropped, continuation lines joined). */
function parseDockerfile(text: string): { globalArgs: Instruction[]; stages: Stage[] } {
  const lines = text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  const globalArgs: Instruction[] = [];
  const stages: Stage[] = [];
  for (const line of lines) {
    const [keyword = '', ...rest] = line.split(/\s+/);
    const instruction = { keyword: keyword.toUpperCase(), args: rest.join(' ') };
    if (instruction.keyword === 'FROM') {
      const [from = '', as, name = ''] = rest;
      expect(as?.toUpperCase()).toBe('AS');
      stages.push({ name, from, instructions: [] });
    } else if (stages.length === 0) {
      globalArgs.push(instruction);
    } else {
      stages[stages.length - 1]?.instructions.push(instruction);
    }
  }
  return { globalArgs, stages };
}

const { globalArgs, stages } = parseDockerfile(
  readFileSync(join(workspaceRoot, 'Dockerfile'), 'utf8'),
);
const runtime = stages[stages.length - 1] as Stage;
const args = (stage: Stage, keyword: string): string[] =>
  stage.instructions.filter((i) => i.keyword === keyword).map((i) => i.args);

/**
 * The Dockerfile's shape, checked without an engine (docs: deploy/README.md);
 * `npm run compose:test` builds and runs the images where one can run. Each
 * app's APP and PORT build arguments are checked in docker-compose.spec.ts.
 */
describe('Dockerfile', () => {
  it('builds in three stages from one pinned Node 20 image', () => {
    expect(stages.map((stage) => stage.name)).toEqual([
      'build',
      'production-dependencies',
      'runtime',
    ]);
    for (const stage of stages) expect(stage.from).toBe('${NODE_IMAGE}');
    expect(globalArgs).toEqual([
      { keyword: 'ARG', args: expect.stringMatching(/^NODE_IMAGE=node:20\.\d+-bookworm-slim$/) },
    ]);
  });

  it('installs the workspace with npm ci and builds the app with Nx', () => {
    const build = stages[0] as Stage;
    const runs = args(build, 'RUN').join('\n');

    expect(args(build, 'COPY')[0]).toBe('package.json package-lock.json .npmrc ./');
    expect(runs).toContain('npm ci');
    expect(runs).toContain('npx nx run "${APP}:build"');
    expect(args(build, 'ARG')).toContain('APP');
  });

  it('installs only the app’s production dependencies, from its pruned lockfile', () => {
    const dependencies = stages[1] as Stage;

    expect(args(dependencies, 'COPY')).toEqual([
      '--from=build /workspace/dist/apps/${APP}/package.json /workspace/dist/apps/${APP}/package-lock.json ./',
    ]);
    expect(args(dependencies, 'RUN').join('\n')).toMatch(/npm ci --omit=dev/);
  });

  it('copies into the runtime only the build output and those dependencies', () => {
    const copies = args(runtime, 'COPY');

    expect(copies).toEqual([
      '--from=production-dependencies /app/node_modules ./node_modules',
      '--from=build /workspace/dist/apps/${APP} ./',
    ]);
    for (const copy of [...copies, ...args(stages[1] as Stage, 'COPY')]) {
      const from = /--from=(\S+)/.exec(copy)?.[1];
      const earlier = stages.slice(0, stages.indexOf(runtime)).map((stage) => stage.name);
      expect(earlier).toContain(from);
    }
  });

  it('runs as the unprivileged node user, after everything is copied', () => {
    const keywords = runtime.instructions.map((i) => i.keyword);

    expect(args(runtime, 'USER')).toEqual(['node']);
    expect(keywords.lastIndexOf('COPY')).toBeLessThan(keywords.indexOf('USER'));
    expect(keywords.lastIndexOf('RUN')).toBeLessThan(keywords.indexOf('USER'));
  });

  it('exposes the app’s PORT and checks its liveness there', () => {
    expect(args(runtime, 'ARG')).toEqual(expect.arrayContaining(['APP', 'PORT']));
    expect(args(runtime, 'ENV').join(' ')).toMatch(/PORT=\$\{PORT\}/);
    expect(args(runtime, 'ENV').join(' ')).toMatch(/NODE_ENV=production/);
    expect(args(runtime, 'EXPOSE')).toEqual(['${PORT}']);
    const [healthcheck = ''] = args(runtime, 'HEALTHCHECK');
    expect(healthcheck).toMatch(/--interval=\S+ --timeout=\S+ --start-period=\S+ --retries=\d+/);
    expect(healthcheck).toContain('CMD ["node", "-e"');
    expect(healthcheck).toContain('${process.env.PORT}/health/live');
  });

  it('starts node under tini, which forwards SIGTERM and reaps children', () => {
    expect(args(runtime, 'RUN').join('\n')).toContain(
      'apt-get install --yes --no-install-recommends tini',
    );
    expect(args(runtime, 'ENTRYPOINT')).toEqual(['["/usr/bin/tini", "--"]']);
    // The flags every service runs with, as the demo starts them.
    expect(args(runtime, 'CMD')).toEqual([
      JSON.stringify(['node', ...SERVICE_NODE_FLAGS, '.']).replaceAll(',', ', '),
    ]);
  });

  it('keeps local state, build output and secrets out of the build context', () => {
    const ignored = readFileSync(join(workspaceRoot, '.dockerignore'), 'utf8')
      .split('\n')
      .map((line) => line.trim());

    expect(ignored).toEqual(
      expect.arrayContaining(['.git', 'node_modules', 'dist', '.nx', '.infra', '.demo', '.env']),
    );
  });
});
