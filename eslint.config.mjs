import nx from '@nx/eslint-plugin';

// Module boundaries, in two tag dimensions (see docs/adr/0002-module-boundaries.md).
//   scope:* — which bounded context a project belongs to; a service's code may
//             use only its own scope and scope:shared.
//   type:*  — what kind of project it is; the arrows below are the only
//             allowed dependencies (no app imports an app, no lib an app).
const HEAVY_RUNTIME_PACKAGES = [
  '@nestjs/*',
  'typeorm',
  'pg',
  'mongoose',
  'mongodb',
  'kafkajs',
  'express',
  'fastify',
  'rxjs',
];
const SERVICE_SCOPES = ['gateway', 'user', 'catalog', 'order', 'payment'];

export const depConstraints = [
  {
    sourceTag: 'type:app',
    onlyDependOnLibsWithTags: ['type:contracts', 'type:lib', 'type:testing'],
  },
  {
    sourceTag: 'type:lib',
    onlyDependOnLibsWithTags: ['type:contracts', 'type:lib', 'type:testing'],
  },
  {
    sourceTag: 'type:contracts',
    onlyDependOnLibsWithTags: ['type:contracts'],
    bannedExternalImports: HEAVY_RUNTIME_PACKAGES,
  },
  {
    // Test support is a floor under every project, tools included: it starts what a test
    // needs from the settings it is given, and never imports the provisioner.
    sourceTag: 'type:testing',
    onlyDependOnLibsWithTags: ['type:contracts', 'type:lib', 'type:testing'],
  },
  {
    sourceTag: 'type:tool',
    onlyDependOnLibsWithTags: ['type:contracts', 'type:lib', 'type:testing', 'type:tool'],
  },
  { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
  ...SERVICE_SCOPES.map((scope) => ({
    sourceTag: `scope:${scope}`,
    onlyDependOnLibsWithTags: [`scope:${scope}`, 'scope:shared'],
  })),
];

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  ...nx.configs['flat/javascript'],
  {
    ignores: ['**/dist', '**/out-tsc', '**/node_modules', '**/.nx', '.infra', 'tmp'],
  },
  {
    files: ['**/*.ts', '**/*.js', '**/*.cjs', '**/*.mjs'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: true,
          allow: [],
          depConstraints,
        },
      ],
    },
  },
  {
    files: ['**/*.ts'],
    // Type-aware rules: each file is checked with its project's tsconfig.json.
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // An un-awaited promise loses its error (STYLE rule 7) or its assertion (rule 9).
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      'no-empty': ['error', { allowEmptyCatch: false }],
    },
  },
  {
    // Test helpers are for tests: production code of apps and libs may not import them.
    files: ['apps/**/src/**/*.ts', 'libs/**/src/**/*.ts'],
    ignores: ['**/*.spec.ts', 'libs/testing/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: '@shop/testing',
              message: 'libs/testing is for tests only (*.spec.ts, test/).',
            },
          ],
        },
      ],
    },
  },
];
