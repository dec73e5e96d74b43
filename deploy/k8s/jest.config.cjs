/** @type {import('jest').Config} */
module.exports = {
  displayName: 'k8s',
  preset: '../../jest.preset.cjs',
  rootDir: __dirname,
  // Rendering and validating manifests needs no server: skip the preset's provisioning.
  globalSetup: undefined,
  globalTeardown: undefined,
  // The first run on a machine builds kustomize and fetches the Kubernetes OpenAPI (Go module proxy).
  testTimeout: 600_000,
};
