import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

const workspaceRoot = resolve(__dirname, '../../..');

interface FixtureProject {
  root: string;
  name: string;
  tags: string[];
  importPath?: string;
}

const projects: FixtureProject[] = [
  {
    root: 'apps/order',
    name: 'order',
    tags: ['scope:order', 'type:app'],
    importPath: '@shop/order-app',
  },
  {
    root: 'apps/payment',
    name: 'payment',
    tags: ['scope:payment', 'type:app'],
    importPath: '@shop/payment-app',
  },
  {
    root: 'libs/contracts',
    name: 'contracts',
    tags: ['scope:shared', 'type:contracts'],
    importPath: '@shop/contracts',
  },
  {
    root: 'libs/messaging',
    name: 'messaging',
    tags: ['scope:shared', 'type:lib'],
    importPath: '@shop/messaging',
  },
  {
    root: 'libs/resilience',
    name: 'resilience',
    tags: ['scope:shared', 'type:lib'],
    importPath: '@shop/resilience',
  },
  {
    root: 'libs/testing',
    name: 'testing',
    tags: ['scope:shared', 'type:testing'],
    importPath: '@shop/testing',
  },
  {
    root: 'tools/infra',
    name: 'infra',
    tags: ['scope:shared', 'type:tool'],
    importPath: '@shop/infra',
  },
  {
    root: 'libs/order-domain',
    name: 'order-domain',
    tags: ['scope:order', 'type:lib'],
    importPath: '@shop/order-domain',
  },
  {
    root: 'libs/catalog-domain',
    name: 'catalog-domain',
    tags: ['scope:catalog', 'type:lib'],
    importPath: '@shop/catalog-domain',
  },
];

/** Source files to lint: path -> content. Violations import projects nothing else imports, so no cycles. */
const sources: Record<string, string> = {
  'apps/order/src/imports-an-app.ts': "export { main } from '@shop/payment-app';\n",
  'apps/order/src/imports-another-scope.ts': "export { stock } from '@shop/catalog-domain';\n",
  'apps/order/src/imports-testing-in-production-code.ts':
    "export { helper } from '@shop/testing';\n",
  'apps/order/src/allowed.ts': [
    "export { event } from '@shop/contracts';",
    "export { relay } from '@shop/messaging';",
    "export { order } from '@shop/order-domain';",
    '',
  ].join('\n'),
  'apps/order/src/allowed.spec.ts': "export { helper } from '@shop/testing';\n",
  'libs/messaging/src/imports-an-app.ts': "export { main } from '@shop/payment-app';\n",
  'libs/contracts/src/imports-a-lib.ts': "export { breaker } from '@shop/resilience';\n",
  'libs/contracts/src/imports-a-heavy-package.ts': "export { Kafka } from 'kafkajs';\n",
  'libs/messaging/src/imports-a-service-scope.ts':
    "export { stock } from '@shop/catalog-domain';\n",
  'libs/testing/src/imports-an-app.ts': "export { main } from '@shop/payment-app';\n",
  'libs/testing/src/imports-a-tool.ts': "export { up } from '@shop/infra';\n",
  'libs/contracts/src/allowed.ts': "export const event = 'order.OrderPlaced.v1';\n",
};

function buildFixtureWorkspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'module-boundaries-'));
  for (const file of ['eslint.config.mjs', 'package.json', 'package-lock.json']) {
    copyFileSync(join(workspaceRoot, file), join(dir, file));
  }
  symlinkSync(join(workspaceRoot, 'node_modules'), join(dir, 'node_modules'), 'dir');
  writeFileSync(join(dir, 'nx.json'), JSON.stringify({ neverConnectToCloud: true, plugins: [] }));
  const paths = Object.fromEntries(
    projects.map((project) => [project.importPath, [`${project.root}/src/index.ts`]]),
  );
  writeFileSync(
    join(dir, 'tsconfig.base.json'),
    JSON.stringify({ compilerOptions: { baseUrl: '.', paths } }),
  );
  // Type-aware lint rules need a TypeScript project for every file.
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      extends: './tsconfig.base.json',
      include: ['**/*.ts'],
      exclude: ['node_modules'],
    }),
  );
  for (const project of projects) {
    mkdirSync(join(dir, project.root, 'src'), { recursive: true });
    writeFileSync(
      join(dir, project.root, 'project.json'),
      JSON.stringify({ name: project.name, tags: project.tags, sourceRoot: `${project.root}/src` }),
    );
    writeFileSync(join(dir, project.root, 'src', 'index.ts'), 'export {};\n');
  }
  for (const [file, content] of Object.entries(sources)) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), content);
  }
  return dir;
}

interface LintResult {
  filePath: string;
  messages: { ruleId: string | null; message: string }[];
}

describe('module boundaries (eslint.config.mjs, linted on a fixture workspace)', () => {
  let fixture: string;
  let problems: Record<string, string[]>;

  beforeAll(() => {
    fixture = buildFixtureWorkspace();
    // Nx settings of the outer run (workspace root, cache dirs) must not leak into the fixture's.
    const inherited = Object.fromEntries(
      Object.entries(process.env).filter(([name]) => !name.startsWith('NX_')),
    );
    const env = { ...inherited, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false' };
    // The boundary rule reads Nx's cached project graph: build it first.
    const graph = spawnSync(
      process.execPath,
      [join(workspaceRoot, 'node_modules/nx/dist/bin/nx.js'), 'show', 'projects'],
      {
        cwd: fixture,
        env,
        encoding: 'utf8',
      },
    );
    expect(graph.stderr).not.toMatch(/error/i);
    const lint = spawnSync(
      process.execPath,
      [
        join(workspaceRoot, 'node_modules/eslint/bin/eslint.js'),
        '--format',
        'json',
        ...Object.keys(sources),
      ],
      { cwd: fixture, env, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 },
    );
    const results = JSON.parse(lint.stdout) as LintResult[];
    problems = Object.fromEntries(
      results.map((result) => [
        result.filePath.slice(fixture.length + 1),
        result.messages.map((message) => `${message.ruleId}: ${message.message}`),
      ]),
    );
  });

  afterAll(() => {
    if (fixture) rmSync(fixture, { recursive: true, force: true });
  });

  it.each([
    ['an app imports another app', 'apps/order/src/imports-an-app.ts'],
    ['a lib imports an app', 'libs/messaging/src/imports-an-app.ts'],
    ['contracts import a runtime lib', 'libs/contracts/src/imports-a-lib.ts'],
    ['a service imports another service scope', 'apps/order/src/imports-another-scope.ts'],
    ['a shared lib imports a service scope', 'libs/messaging/src/imports-a-service-scope.ts'],
    ['the testing lib imports an app', 'libs/testing/src/imports-an-app.ts'],
    ['the testing lib imports a tool (the provisioner)', 'libs/testing/src/imports-a-tool.ts'],
  ])('fails when %s', (_case, file) => {
    expect(problems[file]).toEqual([expect.stringMatching(/^@nx\/enforce-module-boundaries: /)]);
  });

  it('fails when contracts import a heavy runtime package', () => {
    expect(problems['libs/contracts/src/imports-a-heavy-package.ts']).toEqual([
      expect.stringMatching(/^@nx\/enforce-module-boundaries: .*kafkajs/),
    ]);
  });

  it('fails when production code imports the testing lib', () => {
    expect(problems['apps/order/src/imports-testing-in-production-code.ts']).toEqual([
      expect.stringMatching(/^no-restricted-imports: .*tests only/),
    ]);
  });

  it.each([
    ['an app imports contracts, libs and its own scope', 'apps/order/src/allowed.ts'],
    ['a spec imports the testing lib', 'apps/order/src/allowed.spec.ts'],
    ['contracts stay self-contained', 'libs/contracts/src/allowed.ts'],
  ])('passes when %s', (_case, file) => {
    expect(problems[file]).toEqual([]);
  });
});
