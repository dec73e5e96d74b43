// One Jest preset for every project: SWC transpiles TypeScript (keeping the
// decorator metadata that Nest's DI needs) and Nx's resolver maps the
// tsconfig.base.json paths.
const { nxPreset } = require('@nx/jest/preset');

/** @type {import('jest').Config} */
module.exports = {
  ...nxPreset,
  testEnvironment: 'node',
  testMatch: ['**/?(*.)+(spec|test).ts'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: {
          target: 'es2022',
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
          keepClassNames: true,
        },
        module: { type: 'commonjs' },
        sourceMaps: 'inline',
      },
    ],
  },
  moduleFileExtensions: ['ts', 'js', 'cjs', 'mjs', 'json'],
  globalSetup: require.resolve('./libs/testing/src/jest/global-setup.ts'),
  globalTeardown: require.resolve('./libs/testing/src/jest/global-teardown.ts'),
  clearMocks: true,
};
