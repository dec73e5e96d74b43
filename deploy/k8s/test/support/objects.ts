import { parseEnvFile } from '../../src/dev-secrets';
import { type KubernetesObject, describeObject } from '../../src/kubernetes-object';

// The few fields the checks read; the schemas have already vouched for the rest.
export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: {
    configMapKeyRef?: { name: string; key: string; optional?: boolean };
    secretKeyRef?: { name: string; key: string; optional?: boolean };
  };
}

export interface Probe {
  httpGet?: { path: string; port: number | string };
}

export interface Container {
  name: string;
  image: string;
  command?: string[];
  ports?: { name?: string; containerPort: number }[];
  env?: EnvVar[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  resources?: {
    requests?: Record<string, string | number>;
    limits?: Record<string, string | number>;
  };
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  securityContext?: {
    runAsNonRoot?: boolean;
    readOnlyRootFilesystem?: boolean;
    allowPrivilegeEscalation?: boolean;
    capabilities?: { drop?: string[] };
  };
}

export interface PodTemplate {
  metadata: { labels: Record<string, string> };
  spec: {
    containers: Container[];
    securityContext?: { runAsNonRoot?: boolean };
    automountServiceAccountToken?: boolean;
  };
}

export const ofKind = (objects: KubernetesObject[], kind: string): KubernetesObject[] =>
  objects.filter((object) => object.kind === kind);

export function find(objects: KubernetesObject[], kind: string, name: string): KubernetesObject {
  const found = objects.find((object) => object.kind === kind && object.metadata.name === name);
  if (!found) throw new Error(`no ${kind}/${name} in the rendered overlay`);
  return found;
}

/** An object kustomize generated (ConfigMap, Secret): its name carries a content hash suffix. */
export function findGenerated(
  objects: KubernetesObject[],
  kind: string,
  name: string,
): KubernetesObject {
  const found = objects.filter(
    (object) =>
      object.kind === kind && new RegExp(`^${name}-[a-z0-9]{10}$`).test(object.metadata.name),
  );
  if (found.length !== 1)
    throw new Error(`expected one generated ${kind} ${name}, found ${found.length}`);
  return found[0] as KubernetesObject;
}

export const spec = <T>(object: KubernetesObject): T => object['spec'] as T;

/** The pod template of a Deployment, StatefulSet or Job. */
export const podTemplateOf = (object: KubernetesObject): PodTemplate =>
  spec<{ template: PodTemplate }>(object).template;

export const workloads = (objects: KubernetesObject[]): KubernetesObject[] =>
  objects.filter((object) => ['Deployment', 'StatefulSet', 'Job'].includes(object.kind));

export function selectorMatches(selector: LabelSelector, labels: Record<string, string>): boolean {
  const byLabels = Object.entries(selector.matchLabels ?? {}).every(
    ([key, value]) => labels[key] === value,
  );
  return (
    byLabels &&
    (selector.matchExpressions ?? []).every(({ key, operator, values = [] }) => {
      switch (operator) {
        case 'In':
          return key in labels && values.includes(labels[key] ?? '');
        case 'NotIn':
          return !(key in labels) || !values.includes(labels[key] ?? '');
        case 'Exists':
          return key in labels;
        case 'DoesNotExist':
          return !(key in labels);
        default:
          throw new Error(`unknown selector operator ${operator}`);
      }
    })
  );
}

/** Where a secret's value comes from: a rendered Secret (dev) or the documented examples (prod). */
export type SecretSource = (secret: string, key: string) => string | undefined;

export function renderedSecrets(objects: KubernetesObject[]): SecretSource {
  return (secret, key) => {
    const found = objects.find(
      (object) => object.kind === 'Secret' && object.metadata.name === secret,
    );
    const data = found?.['data'] as Record<string, string> | undefined;
    const value = data?.[key];
    return value === undefined ? undefined : Buffer.from(value, 'base64').toString('utf8');
  };
}

export function documentedSecrets(files: Record<string, string>): SecretSource {
  const secrets = new Map(
    Object.entries(files).map(([secret, text]) => [secret, parseEnvFile(text)]),
  );
  return (secret, key) => secrets.get(secret)?.[key];
}

/**
 * The environment a container starts with, as the kubelet builds it: envFrom
 * first, then env, later entries winning. A missing non-optional reference
 * throws: the pod would not start.
 */
export function resolveEnv(
  container: Container,
  objects: KubernetesObject[],
  secrets: SecretSource,
): Record<string, string> {
  const env: Record<string, string> = {};
  const configMap = (name: string): Record<string, string> => {
    const found = objects.find(
      (object) => object.kind === 'ConfigMap' && object.metadata.name === name,
    );
    if (!found) throw new Error(`${container.name}: no ConfigMap ${name}`);
    return (found['data'] as Record<string, string> | undefined) ?? {};
  };
  for (const source of container.envFrom ?? []) {
    if (source.configMapRef) Object.assign(env, configMap(source.configMapRef.name));
    if (source.secretRef) {
      throw new Error(
        `${container.name}: envFrom a Secret hides which keys it needs; use secretKeyRef`,
      );
    }
  }
  for (const variable of container.env ?? []) {
    const { value, valueFrom } = variable;
    if (value !== undefined) {
      env[variable.name] = value;
    } else if (valueFrom?.configMapKeyRef) {
      const { name, key, optional } = valueFrom.configMapKeyRef;
      const found = configMap(name)[key];
      if (found !== undefined) env[variable.name] = found;
      else if (!optional) throw new Error(`${container.name}: ConfigMap ${name} has no ${key}`);
    } else if (valueFrom?.secretKeyRef) {
      const { name, key, optional } = valueFrom.secretKeyRef;
      const found = secrets(name, key);
      if (found !== undefined) env[variable.name] = found;
      else if (!optional) throw new Error(`${container.name}: Secret ${name} has no ${key}`);
    }
  }
  return env;
}

export { describeObject };
