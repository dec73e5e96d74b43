/** @type {import('jest').Config} */
module.exports = {
  displayName: 'user',
  preset: '../../jest.preset.cjs',
  rootDir: __dirname,
  testTimeout: 60_000,
};
