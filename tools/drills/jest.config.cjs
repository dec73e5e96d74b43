/** @type {import('jest').Config} */
module.exports = {
  displayName: 'drills',
  preset: '../../jest.preset.cjs',
  rootDir: __dirname,
  // Each drill runs a burst of orders through the whole system, with a fault in the middle.
  testTimeout: 300_000,
};
