// Runs every project's Jest config in one process tree (what `npm test` uses).
const { getJestProjectsAsync } = require('@nx/jest');

module.exports = async () => ({
  projects: await getJestProjectsAsync(),
});
