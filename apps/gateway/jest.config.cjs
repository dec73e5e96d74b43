/** @type {import('jest').Config} */
module.exports = {
  displayName: 'gateway',
  preset: '../../jest.preset.cjs',
  rootDir: __dirname,
  testTimeout: 60_000,
};
