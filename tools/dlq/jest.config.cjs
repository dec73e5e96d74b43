/** @type {import('jest').Config} */
module.exports = {
  displayName: 'dlq',
  preset: '../../jest.preset.cjs',
  rootDir: __dirname,
  // Each case reads a dead-letter topic through a fresh consumer group, whose join takes seconds.
  testTimeout: 120_000,
};
