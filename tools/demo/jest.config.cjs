/** @type {import('jest').Config} */
module.exports = {
  displayName: 'demo',
  preset: '../../jest.preset.cjs',
  rootDir: __dirname,
  // The system test builds the apps (Nx cache), then boots all five, one after another.
  testTimeout: 240_000,
};
