import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseEnvFile } from '../src/dev-secrets';
import { type KubernetesObject } from '../src/kubernetes-object';
import { renderKustomization } from '../src/kustomize';
import {
  type Container,
  find,
  findGenerated,
  ofKind,
  podTemplateOf,
  renderedSecrets,
  resolveEnv,
  spec,
  workloads,
} from './support/objects';
import {
  APP_NAMES,
  copyOfManifests,
  k8sRoot,
  renderOverlay,
  workspaceRoot,
} from './support/workspace';

const secretKeyRefs = (objects: KubernetesObject[]) =>
  workloads(objects).flatMap((workload) =>
    podTemplateOf(workload).spec.containers.flatMap((container) =>
      (container.env ?? []).flatMap((variable) => {
        const ref = variable.valueFrom?.secretKeyRef;
        return ref ? [{ workload: workload.metadata.name, ...ref }] : [];
      }),
    ),
  );

describe('the dev overlay', () => {
  let objects: KubernetesObject[];
  beforeAll(async () => {
    objects = await renderOverlay('dev');
  });

  it('creates the service databases with the same script as docker-compose.yml', () => {
    const init = findGenerated(objects, 'ConfigMap', 'postgres-init');
    expect((init['data'] as Record<string, string>)['init-service-databases.sh']).toBe(
      readFileSync(join(workspaceRoot, 'deploy', 'postgres', 'init-service-databases.sh'), 'utf8'),
    );
  });

  it('generates every Secret the pods reference, with matching database passwords', () => {
    const secrets = renderedSecrets(objects);
    for (const ref of secretKeyRefs(objects)) {
      if (!ref.optional)
        expect({ ...ref, found: secrets(ref.name, ref.key) !== undefined }).toMatchObject({
          found: true,
        });
    }
    const postgres = findGenerated(objects, 'Secret', 'postgres-secrets');
    const password = (key: string) => secrets(postgres.metadata.name, key);
    expect(password('POSTGRES_PASSWORD')).toMatch(/^[\w-]{20,}$/);
    for (const [app, role, database] of [
      ['user', 'user_service', 'users'],
      ['order', 'order_service', 'orders'],
      ['payment', 'payment_service', 'payments'],
    ] as const) {
      const env = resolveEnv(
        podTemplateOf(find(objects, 'Deployment', app)).spec.containers[0] as Container,
        objects,
        secrets,
      );
      const url = new URL(env[`${app.toUpperCase()}_DATABASE_URL`] ?? '');
      expect({ role: url.username, host: url.host, database: url.pathname }).toEqual({
        role,
        host: 'postgres:5432',
        database: `/${database}`,
      });
      expect(url.password).toBe(password(`${app.toUpperCase()}_SERVICE_DB_PASSWORD`));
    }
  });

  it('runs the images built and loaded locally (tag dev), PostgreSQL 16, MongoDB 7 and Kafka 3.9', () => {
    const images = workloads(objects).flatMap((workload) =>
      podTemplateOf(workload).spec.containers.map((container) => container.image),
    );
    for (const app of APP_NAMES) expect(images).toContain(`shop/${app}:dev`);
    expect(images.filter((image) => !image.startsWith('shop/')).sort()).toEqual([
      'apache/kafka:3.9.1',
      'mongo:7.0',
      'postgres:16-alpine',
    ]);
  });

  it('seeds the demo catalog with a Job', () => {
    const [seed] = podTemplateOf(find(objects, 'Job', 'catalog-seed')).spec.containers;
    expect(seed?.command).toEqual(['node', 'dist/apps/catalog/src/seed.js']);
    expect(
      resolveEnv(seed as Container, objects, renderedSecrets(objects))['CATALOG_MONGODB_URL'],
    ).toBe('mongodb://mongodb:27017/catalog');
  });

  it('keeps the generated secret files out of git, and the examples in', () => {
    const secretsDir = join(k8sRoot, 'overlays', 'dev', 'secrets');
    const copy = copyOfManifests();
    const generated = readdirSync(join(copy.root, 'overlays', 'dev', 'secrets')).filter(
      (file) => !file.endsWith('.example') && file !== '.gitignore',
    );
    copy.remove();
    expect(generated.sort()).toEqual([
      'auth-private-key.pem',
      'catalog.env',
      'order.env',
      'payment.env',
      'postgres.env',
      'user.env',
    ]);
    const ignored = (file: string) =>
      spawnSync(
        'git',
        ['check-ignore', '--quiet', '--no-index', relative(workspaceRoot, join(secretsDir, file))],
        {
          cwd: workspaceRoot,
        },
      ).status === 0;
    for (const file of generated)
      expect({ file, ignored: ignored(file) }).toEqual({ file, ignored: true });
    for (const file of readdirSync(secretsDir).filter((name) => name.endsWith('.example'))) {
      expect({ file, ignored: ignored(file) }).toEqual({ file, ignored: false });
    }
  });
});

describe('the prod overlay', () => {
  let objects: KubernetesObject[];
  const documented = new Map<string, Record<string, string>>();
  beforeAll(async () => {
    objects = await renderOverlay('prod');
    const dir = join(k8sRoot, 'overlays', 'prod', 'secrets');
    for (const file of readdirSync(dir).filter((name) => name.endsWith('.env.example'))) {
      documented.set(
        file.replace('.env.example', ''),
        parseEnvFile(readFileSync(join(dir, file), 'utf8')),
      );
    }
  });

  it('commits no Secret: each one it references is documented in secrets/*.env.example', () => {
    expect(ofKind(objects, 'Secret')).toEqual([]);
    const referenced = new Set(secretKeyRefs(objects).map((ref) => `${ref.name}/${ref.key}`));
    const listed = new Set(
      [...documented].flatMap(([secret, keys]) =>
        Object.keys(keys).map((key) => `${secret}/${key}`),
      ),
    );
    expect([...referenced].sort()).toEqual([...listed].sort());
  });

  it('requires the shared Redis for the gateway replicas', () => {
    const redis = secretKeyRefs(objects).find(
      (ref) => ref.workload === 'gateway' && ref.key === 'REDIS_URL',
    );
    expect(redis?.optional).toBe(false);
  });

  it('points Kafka at the managed cluster, not at an in-cluster broker', () => {
    const platform = findGenerated(objects, 'ConfigMap', 'shop-platform');
    const brokers = (platform['data'] as Record<string, string>)['KAFKA_BROKERS']?.split(',') ?? [];
    expect(brokers.length).toBeGreaterThanOrEqual(3);
    expect(brokers).not.toContain('kafka:9092');
  });

  it('serves its host over TLS', () => {
    const ingress = spec<{
      rules: { host?: string }[];
      tls?: { hosts: string[]; secretName: string }[];
    }>(find(objects, 'Ingress', 'gateway'));
    const hosts = ingress.rules.map((rule) => rule.host);
    expect(
      hosts.every((host) => host && ingress.tls?.some((tls) => tls.hosts.includes(host))),
    ).toBe(true);
  });

  it('keeps a quorum of gateway pods through a node drain', () => {
    expect(spec(find(objects, 'PodDisruptionBudget', 'gateway'))).toMatchObject({
      minAvailable: 2,
    });
    expect(spec(find(objects, 'HorizontalPodAutoscaler', 'gateway'))).toMatchObject({
      minReplicas: 3,
    });
  });
});

describe('the catalog-single-replica component (catalog on FerretDB)', () => {
  it('allows exactly one catalog pod, even during a rollout', async () => {
    const copy = copyOfManifests();
    try {
      const overlay = join(copy.root, 'overlays', 'ferretdb');
      mkdirSync(overlay);
      writeFileSync(
        join(overlay, 'kustomization.yaml'),
        'resources: [../prod]\ncomponents: [../../components/catalog-single-replica]\n',
      );
      const objects = await renderKustomization(overlay);
      expect(spec(find(objects, 'HorizontalPodAutoscaler', 'catalog'))).toMatchObject({
        minReplicas: 1,
        maxReplicas: 1,
      });
      expect(spec(find(objects, 'Deployment', 'catalog'))).toMatchObject({
        strategy: { type: 'Recreate' },
      });
      expect(spec(find(objects, 'HorizontalPodAutoscaler', 'order'))).toMatchObject({
        minReplicas: 2,
      });
    } finally {
      copy.remove();
    }
  });
});
