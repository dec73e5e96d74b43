/** @type {import('jest').Config} */
module.exports = {
  displayName: 'service-kit',
  preset: '../../jest.preset.cjs',
  rootDir: __dirname,
  testTimeout: 60_000,
};
