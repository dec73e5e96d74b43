/** @type {import('jest').Config} */
module.exports = {
  displayName: 'http',
  preset: '../../jest.preset.cjs',
  rootDir: __dirname,
};
