import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type KubernetesObject } from '../src/kubernetes-object';
import { KubernetesSchemas } from '../src/kubernetes-schemas';
import { parseManifests, renderKustomization } from '../src/kustomize';
import { KUBERNETES_VERSION } from '../src/versions';
import { OVERLAYS, copyOfManifests, renderOverlay } from './support/workspace';

const validDeployment = (): KubernetesObject =>
  parseManifests(
    `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: example
spec:
  selector:
    matchLabels: { app: example }
  template:
    metadata:
      labels: { app: example }
    spec:
      containers:
        - name: example
          image: shop/example
          ports: [{ containerPort: 3000 }]
          resources:
            limits: { cpu: 1, memory: 256Mi }
          readinessProbe:
            httpGet: { path: /health/ready, port: 3000 }
`,
    'example',
  )[0] as KubernetesObject;

describe(`the manifests against the Kubernetes ${KUBERNETES_VERSION} API schemas`, () => {
  let schemas: KubernetesSchemas;

  beforeAll(async () => {
    schemas = await KubernetesSchemas.load();
  });

  it.each(OVERLAYS)('every object of the %s overlay is valid', async (overlay) => {
    const objects = await renderOverlay(overlay);
    expect(objects.length).toBeGreaterThan(40);
    expect(() => schemas.assertValid(objects)).not.toThrow();
  });

  it('accepts a well-formed Deployment (the baseline of the cases below)', () => {
    expect(schemas.validate(validDeployment())).toEqual([]);
  });

  it('rejects a field the API does not know, as kubectl --validate=strict does', () => {
    const deployment = validDeployment();
    const container = (deployment['spec'] as { template: { spec: { containers: object[] } } })
      .template.spec.containers[0] as Record<string, unknown>;
    container['readinessProbes'] = container['readinessProbe'];

    expect(schemas.validate(deployment)).toEqual([
      '/spec/template/spec/containers/0: unknown field "readinessProbes"',
    ]);
  });

  it('rejects a value of the wrong type', () => {
    const deployment = validDeployment();
    (deployment['spec'] as Record<string, unknown>)['replicas'] = 'two';

    expect(schemas.validate(deployment)).toEqual(['/spec/replicas: must be integer']);
  });

  it('rejects an object missing a required field', () => {
    const deployment = validDeployment();
    delete (deployment['spec'] as { template: { spec: Record<string, unknown> } }).template.spec[
      'containers'
    ];

    expect(schemas.validate(deployment)).toEqual([
      "/spec/template/spec: must have required property 'containers'",
    ]);
  });

  it('rejects a kind or an API version the cluster does not serve', () => {
    expect(schemas.validate({ ...validDeployment(), apiVersion: 'extensions/v1beta1' })).toEqual([
      `no Deployment in extensions/v1beta1 in Kubernetes ${KUBERNETES_VERSION}`,
    ]);
    expect(schemas.validate({ ...validDeployment(), kind: 'Deploymnet' })).toEqual([
      `no Deploymnet in apps/v1 in Kubernetes ${KUBERNETES_VERSION}`,
    ]);
  });

  it('rejects an overlay whose manifest on disk has a misspelt field', async () => {
    const copy = copyOfManifests();
    try {
      const file = join(copy.root, 'base', 'order', 'deployment.yaml');
      writeFileSync(file, readFileSync(file, 'utf8').replace('readinessProbe:', 'readynessProbe:'));
      const objects = await renderKustomization(join(copy.root, 'overlays', 'prod'));

      expect(() => schemas.assertValid(objects)).toThrow(
        'Deployment/order: /spec/template/spec/containers/0: unknown field "readynessProbe"',
      );
    } finally {
      copy.remove();
    }
  });

  it('names the object and the field of each problem in an overlay', () => {
    const broken = validDeployment();
    (broken['spec'] as Record<string, unknown>)['replicas'] = -1.5;

    expect(() => schemas.assertValid([broken])).toThrow(
      'Deployment/example: /spec/replicas: must be integer',
    );
  });
});
