/** @type {import('jest').Config} */
module.exports = {
  displayName: 'fork',
  preset: '../../jest.preset.cjs',
  rootDir: __dirname,
  // Type-checks and tests a whole forked service.
  testTimeout: 240_000,
};
