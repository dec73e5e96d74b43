/** @type {import('jest').Config} */
module.exports = {
  displayName: 'payment',
  preset: '../../jest.preset.cjs',
  rootDir: __dirname,
  testTimeout: 60_000,
};
