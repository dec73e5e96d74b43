import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { type KubernetesObject } from '../src/kubernetes-object';
import { loadAppConfig } from './support/app-config';
import {
  type Container,
  type LabelSelector,
  type SecretSource,
  documentedSecrets,
  find,
  ofKind,
  podTemplateOf,
  renderedSecrets,
  resolveEnv,
  selectorMatches,
  spec,
  workloads,
} from './support/objects';
import {
  APPS,
  APP_NAMES,
  type AppName,
  OVERLAYS,
  type Overlay,
  k8sRoot,
  renderOverlay,
} from './support/workspace';

/** The partitions each service creates its topics with (provisionTopics in apps/<app>/src/<app>.module.ts). */
const TOPIC_PARTITIONS = 3;

const rendered: Partial<Record<Overlay, KubernetesObject[]>> = {};
beforeAll(async () => {
  for (const overlay of OVERLAYS) rendered[overlay] = await renderOverlay(overlay);
});
const objectsOf = (overlay: Overlay): KubernetesObject[] => {
  const objects = rendered[overlay];
  if (!objects) throw new Error(`${overlay} was not rendered`);
  return objects;
};

/** The prod overlay creates no Secret: its apps read the documented examples instead. */
function secretsOf(overlay: Overlay): SecretSource {
  if (overlay === 'dev') return renderedSecrets(objectsOf('dev'));
  const dir = join(k8sRoot, 'overlays', 'prod', 'secrets');
  return documentedSecrets(
    Object.fromEntries(
      readdirSync(dir)
        .filter((file) => file.endsWith('.env.example'))
        .map((file) => [file.replace('.env.example', ''), readFileSync(join(dir, file), 'utf8')]),
    ),
  );
}

const appContainer = (overlay: Overlay, app: AppName): Container => {
  const containers = podTemplateOf(find(objectsOf(overlay), 'Deployment', app)).spec.containers;
  expect(containers).toHaveLength(1);
  return containers[0] as Container;
};

/** One variable per app that a cluster must set: required by its schema, or defaulting to localhost. */
const MUST_SET: Record<AppName, string> = {
  gateway: 'USER_SERVICE_URL',
  user: 'USER_DATABASE_URL',
  catalog: 'CATALOG_MONGODB_URL',
  order: 'CATALOG_SERVICE_URL',
  payment: 'AUTH_JWKS_URL',
};

/** What the app's own start-up check says of an environment, plus every setting left on localhost. */
function configProblems(app: AppName, env: Record<string, string>): string[] {
  let config: Record<string, unknown>;
  try {
    config = loadAppConfig(app, env);
  } catch (error) {
    return [error instanceof Error ? error.message : String(error)];
  }
  return Object.entries(config)
    .filter(([, value]) => /localhost|127\.0\.0\.1/.test(JSON.stringify(value) ?? ''))
    .map(([name]) => `${name} points at localhost`);
}

/** Bytes of a memory quantity such as 384Mi or 1Gi. */
function bytes(quantity: string | number | undefined): number {
  const match = /^(\d+)(Ki|Mi|Gi)?$/.exec(String(quantity));
  if (!match) throw new Error(`unexpected memory quantity ${String(quantity)}`);
  const unit = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30 }[match[2] as 'Ki' | 'Mi' | 'Gi'] ?? 1;
  return Number(match[1]) * unit;
}

describe.each(OVERLAYS)('the %s overlay', (overlay) => {
  describe.each(APP_NAMES)('%s', (app) => {
    const { port } = APPS[app];

    it(`runs the image shop/${app} and listens on ${port}, as PORT says`, () => {
      const container = appContainer(overlay, app);
      expect(container.image).toMatch(
        new RegExp(`^([^/]+/)*shop/${app}(:[\\w.-]+|@sha256:[0-9a-f]{64})?$`),
      );
      expect(container.ports).toEqual([{ name: 'http', containerPort: port, protocol: 'TCP' }]);
      expect(resolveEnv(container, objectsOf(overlay), secretsOf(overlay))['PORT']).toBe(
        String(port),
      );
    });

    it('has readiness and liveness probes on its health endpoints', () => {
      const container = appContainer(overlay, app);
      expect(container.readinessProbe?.httpGet).toEqual({ path: '/health/ready', port: 'http' });
      expect(container.livenessProbe?.httpGet).toEqual({ path: '/health/live', port: 'http' });
    });

    it('requests and limits CPU and memory, with a heap cap under the memory limit', () => {
      const { resources = {}, env = [] } = appContainer(overlay, app);
      for (const kind of ['requests', 'limits'] as const) {
        expect(Object.keys(resources[kind] ?? {}).sort()).toEqual(['cpu', 'memory']);
      }
      expect(bytes(resources.requests?.['memory'])).toBeLessThanOrEqual(
        bytes(resources.limits?.['memory']),
      );
      const heap = /--max-old-space-size=(\d+)/.exec(
        env.find((variable) => variable.name === 'NODE_OPTIONS')?.value ?? '',
      );
      expect(heap).not.toBeNull();
      expect(Number(heap?.[1]) * 2 ** 20).toBeLessThan(bytes(resources.limits?.['memory']) * 0.8);
    });

    it('runs as non-root on a read-only root filesystem, without privileges or API token', () => {
      const pod = podTemplateOf(find(objectsOf(overlay), 'Deployment', app)).spec;
      expect(pod.securityContext?.runAsNonRoot).toBe(true);
      expect(pod.automountServiceAccountToken).toBe(false);
      expect(appContainer(overlay, app).securityContext).toEqual({
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ['ALL'] },
      });
    });

    it('is reached through a Service whose selector and target port match its pods', () => {
      const objects = objectsOf(overlay);
      const pod = podTemplateOf(find(objects, 'Deployment', app));
      const service = spec<{
        selector: Record<string, string>;
        type: string;
        ports: { port: number; targetPort: string | number }[];
      }>(find(objects, 'Service', app));
      expect(service.type).toBe('ClusterIP');
      expect(selectorMatches({ matchLabels: service.selector }, pod.metadata.labels)).toBe(true);
      expect(service.ports).toHaveLength(1);
      const [servicePort] = service.ports;
      expect(servicePort?.port).toBe(port);
      const target = pod.spec.containers[0]?.ports?.find(
        (containerPort) =>
          containerPort.name === servicePort?.targetPort ||
          containerPort.containerPort === servicePort?.targetPort,
      );
      expect(target?.containerPort).toBe(port);
      // No pod of another workload (a migration Job) may receive its traffic.
      const others = workloads(objects).filter(
        (workload) => !(workload.kind === 'Deployment' && workload.metadata.name === app),
      );
      for (const other of others) {
        expect(
          selectorMatches({ matchLabels: service.selector }, podTemplateOf(other).metadata.labels),
        ).toBe(false);
      }
    });

    it('scales with a HorizontalPodAutoscaler, and a PodDisruptionBudget that still lets a node drain', () => {
      const objects = objectsOf(overlay);
      const deployment = find(objects, 'Deployment', app);
      const autoscaler = spec<{
        scaleTargetRef: { kind: string; name: string };
        minReplicas: number;
        maxReplicas: number;
      }>(find(objects, 'HorizontalPodAutoscaler', app));
      expect(autoscaler.scaleTargetRef).toMatchObject({ kind: 'Deployment', name: app });
      expect(autoscaler.minReplicas).toBeGreaterThanOrEqual(1);
      expect(autoscaler.maxReplicas).toBeGreaterThanOrEqual(autoscaler.minReplicas);
      // The autoscaler owns the count: a replicas field would reset it on every apply.
      expect(spec<{ replicas?: number }>(deployment).replicas).toBeUndefined();
      if (APPS[app].consumesKafka)
        expect(autoscaler.maxReplicas).toBeLessThanOrEqual(TOPIC_PARTITIONS);

      const budget = spec<{
        selector: LabelSelector;
        minAvailable?: number;
        maxUnavailable?: number;
      }>(find(objects, 'PodDisruptionBudget', app));
      expect(selectorMatches(budget.selector, podTemplateOf(deployment).metadata.labels)).toBe(
        true,
      );
      if (budget.minAvailable !== undefined) {
        expect(budget.minAvailable).toBeLessThan(autoscaler.minReplicas);
      } else {
        expect(budget.maxUnavailable).toBeGreaterThanOrEqual(1);
      }
    });

    it('gives every variable its configuration requires, and no localhost address', () => {
      const env = resolveEnv(appContainer(overlay, app), objectsOf(overlay), secretsOf(overlay));
      expect(configProblems(app, env)).toEqual([]);
      expect(env['NODE_ENV']).toBe('production');
    });

    it('would fail that check without a variable the cluster must set (the check has teeth)', () => {
      const container = appContainer(overlay, app);
      const env = resolveEnv(container, objectsOf(overlay), secretsOf(overlay));
      const variable = MUST_SET[app];
      expect(env[variable]).toBeDefined();
      delete env[variable];
      expect(configProblems(app, env).join('\n')).toContain(variable);
    });

    const migrationJob = `${app}-migrate`;
    if (APPS[app].migrates) {
      it(`migrates its database with the Job ${migrationJob} before it serves`, () => {
        const objects = objectsOf(overlay);
        const job = podTemplateOf(find(objects, 'Job', migrationJob));
        const [container] = job.spec.containers;
        expect(container?.image).toBe(appContainer(overlay, app).image);
        expect(container?.command).toEqual(['node', `dist/apps/${app}/src/migrate.js`]);
        const env = resolveEnv(container as Container, objects, secretsOf(overlay));
        const url = `${app.toUpperCase()}_DATABASE_URL`;
        expect(env[url]).toMatch(/^postgres(ql)?:\/\//);
        expect(env[url]).toBe(
          resolveEnv(appContainer(overlay, app), objects, secretsOf(overlay))[url],
        );
        expect(job.spec.securityContext?.runAsNonRoot).toBe(true);
        expect(container?.securityContext?.readOnlyRootFilesystem).toBe(true);
        expect(container?.resources?.limits).toBeDefined();
      });
    } else {
      it('has no migration Job (it has no SQL schema)', () => {
        expect(ofKind(objectsOf(overlay), 'Job').map((job) => job.metadata.name)).not.toContain(
          migrationJob,
        );
      });
    }
  });

  it('runs no workload but the five apps, their Jobs and (dev only) the data stores', () => {
    const images = workloads(objectsOf(overlay)).map((workload) => ({
      workload: `${workload.kind}/${workload.metadata.name}`,
      images: podTemplateOf(workload).spec.containers.map((container) =>
        container.image.replace(/:[\w.-]+$/, ''),
      ),
    }));
    const expected = [
      ...APP_NAMES.map((app) => ({ workload: `Deployment/${app}`, images: [`shop/${app}`] })),
      ...APP_NAMES.filter((app) => APPS[app].migrates).map((app) => ({
        workload: `Job/${app}-migrate`,
        images: [`shop/${app}`],
      })),
      ...(overlay === 'dev'
        ? [
            { workload: 'Job/catalog-seed', images: ['shop/catalog'] },
            { workload: 'StatefulSet/postgres', images: ['postgres'] },
            { workload: 'StatefulSet/mongodb', images: ['mongo'] },
            { workload: 'StatefulSet/kafka', images: ['apache/kafka'] },
          ]
        : []),
    ];
    const byName = (a: { workload: string }, b: { workload: string }) =>
      a.workload.localeCompare(b.workload);
    expect(images.sort(byName)).toEqual(expected.sort(byName));
  });

  it('runs every pod as non-root, without privilege escalation, in the namespace shop', () => {
    for (const workload of workloads(objectsOf(overlay))) {
      const pod = podTemplateOf(workload).spec;
      expect({
        workload: workload.metadata.name,
        runAsNonRoot: pod.securityContext?.runAsNonRoot,
      }).toEqual({
        workload: workload.metadata.name,
        runAsNonRoot: true,
      });
      for (const container of pod.containers) {
        expect(container.securityContext?.allowPrivilegeEscalation).toBe(false);
        expect(container.securityContext?.capabilities?.drop).toEqual(['ALL']);
      }
    }
    const namespaced = objectsOf(overlay).filter((object) => object.kind !== 'Namespace');
    expect(new Set(namespaced.map((object) => object.metadata.namespace))).toEqual(
      new Set(['shop']),
    );
  });

  it('exposes only the gateway, through its Ingress', () => {
    const objects = objectsOf(overlay);
    const services = ofKind(objects, 'Service').map(
      (service) => spec<{ type?: string }>(service).type ?? 'ClusterIP',
    );
    expect(new Set(services)).toEqual(new Set(['ClusterIP']));
    const ingresses = ofKind(objects, 'Ingress');
    expect(ingresses.map((ingress) => ingress.metadata.name)).toEqual(['gateway']);
    const backends = spec<{
      rules: {
        http: { paths: { backend: { service: { name: string; port: { name: string } } } }[] };
      }[];
    }>(ingresses[0] as KubernetesObject).rules.flatMap((rule) =>
      rule.http.paths.map((path) => path.backend.service),
    );
    expect(new Set(backends.map((backend) => `${backend.name}:${backend.port.name}`))).toEqual(
      new Set(['gateway:http']),
    );
  });
});
