// Runs every project's Jest config in one process tree (what `npm test` uses).
const { getJestProjectsAsync } = require('@nx/jest');

module.exports = async () => ({
  projects: await getJestProjectsAsync(),
  // testTimeout is a global option: the projects' own values apply only when a
  // project runs alone (`nx test <project>`). Integration tests wait for
  // consumer groups and restart brokers, so the longest of them applies here.
  testTimeout: 120_000,
});
