/** @type {import('jest').Config} */
module.exports = {
  displayName: 'workspace',
  preset: '../../jest.preset.cjs',
  rootDir: __dirname,
  // Each check runs Nx and ESLint as child processes.
  testTimeout: 120_000,
};
