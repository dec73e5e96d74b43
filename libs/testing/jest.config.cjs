/** @type {import('jest').Config} */
module.exports = {
  displayName: 'testing',
  preset: '../../jest.preset.cjs',
  rootDir: __dirname,
  // Servers answer in seconds, not milliseconds: a consumer group joins in ~3 s.
  testTimeout: 60_000,
};
