/** @type {import('jest').Config} */
module.exports = {
  displayName: 'saga',
  preset: '../../jest.preset.cjs',
  rootDir: __dirname,
};
