// The tools behind the manifests' validation, each pinned and fetched from the
// Go module proxy once per machine (see README.md in this folder).

/** kustomize v5.8.1: the newest release that builds with Go 1.24 (v5.8.2+ need newer Go). */
export const KUSTOMIZE_MODULE = 'sigs.k8s.io/kustomize/kustomize/v5';
export const KUSTOMIZE_VERSION = 'v5.8.1';

/**
 * The Kubernetes release whose OpenAPI documents the manifests are validated
 * against: the oldest minor the manifests promise to run on. Its module
 * carries the API server's published spec (api/openapi-spec/v3).
 */
export const KUBERNETES_MODULE = 'k8s.io/kubernetes';
export const KUBERNETES_VERSION = 'v1.35.4';
