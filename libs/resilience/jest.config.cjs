/** @type {import('jest').Config} */
module.exports = {
  displayName: 'resilience',
  preset: '../../jest.preset.cjs',
  rootDir: __dirname,
};
