/** @type {import('jest').Config} */
module.exports = {
  displayName: 'order',
  preset: '../../jest.preset.cjs',
  rootDir: __dirname,
  testTimeout: 60_000,
};
