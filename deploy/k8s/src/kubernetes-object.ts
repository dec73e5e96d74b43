/** The envelope every Kubernetes object shares; the rest is checked against the API's schema. */
export interface KubernetesObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [field: string]: unknown;
}

export const describeObject = (object: KubernetesObject): string =>
  `${object.kind}/${object.metadata?.name ?? '<no name>'}`;
