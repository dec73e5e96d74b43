/** @type {import('jest').Config} */
module.exports = {
  displayName: 'messaging',
  preset: '../../jest.preset.cjs',
  rootDir: __dirname,
  // Fault drills stop and start a broker and wait for consumer groups.
  testTimeout: 120_000,
};
