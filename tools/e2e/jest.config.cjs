/** @type {import('jest').Config} */
module.exports = {
  displayName: 'e2e',
  preset: '../../jest.preset.cjs',
  rootDir: __dirname,
  // The whole system starts (build, migrations, five processes) before the first case.
  testTimeout: 300_000,
};
