import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type Dashboard, dashboardPanels, dashboardQueries } from '../src/grafana-dashboard';
import { parse } from 'yaml';

const workspaceRoot = resolve(__dirname, '../../..');
const OBSERVABILITY = join(workspaceRoot, 'deploy/observability');

interface ComposeService {
  image?: string;
  profiles?: string[];
  command?: string[];
  ports?: string[];
  volumes?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
}

const compose = parse(readFileSync(join(workspaceRoot, 'docker-compose.yml'), 'utf8'), {
  merge: true,
}) as { services: Record<string, ComposeService> };

const readYaml = <T>(path: string): T =>
  parse(readFileSync(join(OBSERVABILITY, path), 'utf8')) as T;

const APPS = ['gateway', 'user', 'catalog', 'order', 'payment'];
const PROFILE_SERVICES = ['grafana', 'jaeger', 'otel-collector', 'prometheus'];

function service(name: string): ComposeService {
  const found = compose.services[name];
  if (!found) throw new Error(`docker-compose.yml has no service ${name}`);
  return found;
}

/** What `docker compose [--profile …] up` starts: services without a profile, or in an active one. */
function startedBy(activeProfiles: string[]): string[] {
  return Object.entries(compose.services)
    .filter(([, { profiles }]) => !profiles || profiles.some((p) => activeProfiles.includes(p)))
    .map(([name]) => name)
    .sort();
}

/** Where compose mounts a host path in a service (`./host:/container[:ro]`). */
function mountTarget(name: string, hostPath: string): string | undefined {
  return service(name)
    .volumes?.map((volume) => volume.split(':'))
    .find(([source]) => source === hostPath)?.[1];
}

/** The container port a service publishes or serves on, from its `ports` (`ip:host:container`). */
function publishedContainerPorts(name: string): number[] {
  return (service(name).ports ?? []).map((port) => Number(port.split(':').at(-1)));
}

describe('docker-compose.yml: the observability profile', () => {
  it('holds the collector, Jaeger, Prometheus and Grafana, and only them', () => {
    const inProfile = Object.entries(compose.services)
      .filter(([, { profiles }]) => profiles?.includes('observability'))
      .map(([name]) => name)
      .sort();

    expect(inProfile).toEqual(PROFILE_SERVICES);
    for (const name of PROFILE_SERVICES) expect(service(name).profiles).toEqual(['observability']);
  });

  it('is left out of a plain `up`, which needs nothing from it', () => {
    const plain = startedBy([]);
    const withProfile = startedBy(['observability']);

    expect(plain).toEqual(expect.arrayContaining([...APPS, 'postgres', 'mongodb', 'kafka']));
    for (const name of PROFILE_SERVICES) expect(plain).not.toContain(name);
    expect(withProfile).toEqual([...plain, ...PROFILE_SERVICES].sort());
    // Compose refuses to start a service whose dependency is in an inactive profile.
    for (const [started, active] of [
      [plain, []],
      [withProfile, ['observability']],
    ] as const) {
      for (const name of started) {
        const missing = Object.keys(service(name).depends_on ?? {}).filter(
          (dependency) => !startedBy([...active]).includes(dependency),
        );
        expect({ name, missing }).toEqual({ name, missing: [] });
      }
    }
  });

  it.each(PROFILE_SERVICES)(
    'pins %s to an exact release and publishes it on loopback only',
    (name) => {
      const { image, ports } = service(name);

      expect(image).toMatch(/^[a-z0-9./-]+:v?\d+\.\d+\.\d+$/);
      expect(ports?.length).toBeGreaterThan(0);
      for (const port of ports ?? []) expect(port).toMatch(/^127\.0\.0\.1:\d+:\d+$/);
    },
  );

  it('publishes no host port twice', () => {
    // `${INFRA_POSTGRES_PORT:-5432}` counts as its default.
    const hostPorts = Object.values(compose.services).flatMap(({ ports }) =>
      (ports ?? []).map((port) =>
        port
          .replace(/\$\{\w+:-(\d+)\}/g, '$1')
          .split(':')
          .at(-2),
      ),
    );

    expect(hostPorts).toContain('3030');

    expect(hostPorts.filter((port, index) => hostPorts.indexOf(port) !== index)).toEqual([]);
  });

  it('mounts only files and folders that exist, each as the kind it is used as', () => {
    const mounts = Object.entries(compose.services).flatMap(([name, { volumes }]) =>
      (volumes ?? [])
        .map((volume) => volume.split(':'))
        .filter(([source]) => source?.startsWith('./'))
        .map(([source = '', target = '']) => ({ name, source, target })),
    );

    expect(mounts.length).toBeGreaterThan(PROFILE_SERVICES.length);
    for (const { name, source, target } of mounts) {
      const path = join(workspaceRoot, source);
      expect({ name, source, exists: existsSync(path) }).toEqual({ name, source, exists: true });
      // A file mounted on a path with an extension, a folder on one without.
      const isFile = statSync(path).isFile();
      expect({ source, target, isFile }).toEqual({ source, target, isFile: /\.\w+$/.test(target) });
    }
  });
});

describe('deploy/observability/prometheus.yml', () => {
  interface ScrapeConfig {
    job_name: string;
    metrics_path?: string;
    honor_labels?: boolean;
    static_configs: { targets: string[]; labels?: Record<string, string> }[];
  }
  const prometheus = readYaml<{
    global: { scrape_interval: string };
    scrape_configs: ScrapeConfig[];
  }>('prometheus.yml');

  it('is the file Prometheus is started with', () => {
    const target = mountTarget('prometheus', './deploy/observability/prometheus.yml');

    expect(service('prometheus').command).toContain(`--config.file=${target}`);
  });

  it.each(APPS)(
    'scrapes %s’s /metrics on its compose port, labelled with its service name',
    (app) => {
      const port = service(app).environment?.['PORT'];
      const jobs = prometheus.scrape_configs.filter((job) =>
        job.static_configs.some((config) => config.targets.includes(`${app}:${port}`)),
      );

      expect(jobs).toHaveLength(1);
      const [job] = jobs;
      const config = job?.static_configs.find((entry) => entry.targets.includes(`${app}:${port}`));
      expect(config?.labels?.['service']).toBe(app);
      expect(job?.metrics_path ?? '/metrics').toBe('/metrics');
      // The apps label their own series with `service`: kept, not renamed `exported_service`.
      expect(job?.honor_labels).toBe(true);
    },
  );

  it('scrapes only services compose runs', () => {
    const hosts = prometheus.scrape_configs.flatMap((job) =>
      job.static_configs.flatMap((config) => config.targets.map((target) => target.split(':')[0])),
    );

    expect([...new Set(hosts)].sort()).toEqual([...APPS].sort());
  });
});

describe('deploy/observability/otel-collector.yaml', () => {
  interface CollectorConfig {
    receivers?: Record<string, { protocols?: Record<string, { endpoint?: string }> } | null>;
    processors?: Record<string, unknown>;
    exporters?: Record<string, { endpoint?: string } | null>;
    connectors?: Record<string, unknown>;
    extensions?: Record<string, unknown>;
    service: {
      extensions?: string[];
      pipelines: Record<
        string,
        { receivers?: string[]; processors?: string[]; exporters?: string[] }
      >;
    };
  }
  const collector = readYaml<CollectorConfig>('otel-collector.yaml');

  /** Components a pipeline (or the service) names that the file does not define. */
  function undefinedComponents(config: CollectorConfig): string[] {
    const defined = (section: Record<string, unknown> | undefined): string[] =>
      Object.keys(section ?? {});
    const connectors = defined(config.connectors);
    const missing = Object.entries(config.service.pipelines).flatMap(([pipeline, parts]) => [
      ...(parts.receivers ?? [])
        .filter((id) => ![...defined(config.receivers), ...connectors].includes(id))
        .map((id) => `${pipeline}: receiver ${id}`),
      ...(parts.processors ?? [])
        .filter((id) => !defined(config.processors).includes(id))
        .map((id) => `${pipeline}: processor ${id}`),
      ...(parts.exporters ?? [])
        .filter((id) => ![...defined(config.exporters), ...connectors].includes(id))
        .map((id) => `${pipeline}: exporter ${id}`),
    ]);
    const extensions = (config.service.extensions ?? [])
      .filter((id) => !defined(config.extensions).includes(id))
      .map((id) => `extension ${id}`);
    return [...missing, ...extensions];
  }

  it('is the file the collector is started with', () => {
    const target = mountTarget('otel-collector', './deploy/observability/otel-collector.yaml');

    expect(service('otel-collector').command).toContain(`--config=${target}`);
  });

  it('names only components it defines in its pipelines', () => {
    expect(Object.keys(collector.service.pipelines)).toEqual(['traces']);
    expect(undefinedComponents(collector)).toEqual([]);
  });

  it('would report a pipeline naming an undefined component', () => {
    const broken: CollectorConfig = {
      ...collector,
      service: {
        ...collector.service,
        pipelines: { traces: { receivers: ['otlp'], exporters: ['otlp_grpc/tempo'] } },
      },
    };

    expect(undefinedComponents(broken)).toEqual(['traces: exporter otlp_grpc/tempo']);
  });

  it('receives OTLP over gRPC and HTTP from the compose network, on the ports it publishes', () => {
    const [receiver] = collector.service.pipelines['traces']?.receivers ?? [];
    const protocols = collector.receivers?.[receiver ?? '']?.protocols;

    expect(receiver?.split('/')[0]).toBe('otlp');
    expect(protocols?.['grpc']?.endpoint).toBe('0.0.0.0:4317');
    expect(protocols?.['http']?.endpoint).toBe('0.0.0.0:4318');
    expect(publishedContainerPorts('otel-collector').sort()).toEqual([4317, 4318]);
  });

  it('exports traces to Jaeger’s OTLP gRPC port, with the exporter’s current name', () => {
    const exporters = collector.service.pipelines['traces']?.exporters ?? [];

    expect(exporters).toHaveLength(1);
    const [id = ''] = exporters;
    // `otlp` and `otlphttp` are deprecated aliases since collector v0.144.
    expect(id.split('/')[0]).toBe('otlp_grpc');
    expect(collector.exporters?.[id]?.endpoint).toBe('jaeger:4317');
    expect(service('jaeger').profiles).toEqual(['observability']);
    expect(service('otel-collector').depends_on?.['jaeger']).toBeDefined();
  });

  it('is where the documented command points the apps', () => {
    const command =
      'OTEL_EXPORTER_OTLP_ENDPOINT=http://otel-collector:4318 docker compose --profile observability up';

    expect(readFileSync(join(workspaceRoot, 'docs/observability.md'), 'utf8')).toContain(command);
    expect(readFileSync(join(workspaceRoot, 'docker-compose.yml'), 'utf8')).toContain(command);
  });
});

describe('deploy/observability/grafana provisioning', () => {
  interface Datasource {
    name: string;
    uid: string;
    type: string;
    url: string;
    jsonData?: Record<string, unknown>;
  }
  const { datasources } = readYaml<{ datasources: Datasource[] }>(
    'grafana/provisioning/datasources/datasources.yaml',
  );
  const { providers } = readYaml<{
    providers: { type: string; options: { path: string } }[];
  }>('grafana/provisioning/dashboards/dashboards.yaml');
  const dashboard = JSON.parse(
    readFileSync(join(OBSERVABILITY, 'grafana/dashboards/shop-overview.json'), 'utf8'),
  ) as Dashboard;
  const byType = (type: string): Datasource | undefined =>
    datasources.find((datasource) => datasource.type === type);

  it('mounts both provisioning folders where Grafana reads them', () => {
    for (const kind of ['datasources', 'dashboards']) {
      expect(mountTarget('grafana', `./deploy/observability/grafana/provisioning/${kind}`)).toBe(
        `/etc/grafana/provisioning/${kind}`,
      );
    }
  });

  it('provisions Prometheus and Jaeger at their compose addresses, with fixed uids', () => {
    expect(byType('prometheus')?.url).toBe(
      `http://prometheus:${publishedContainerPorts('prometheus')[0]}`,
    );
    expect(byType('jaeger')?.url).toBe(`http://jaeger:${publishedContainerPorts('jaeger')[0]}`);
    for (const { uid } of datasources) expect(uid).toMatch(/^[a-z][a-z0-9-]{2,39}$/);
  });

  it('tells Grafana the scrape interval, so `$__rate_interval` spans four scrapes', () => {
    const { global } = readYaml<{ global: { scrape_interval: string } }>('prometheus.yml');

    expect(byType('prometheus')?.jsonData?.['timeInterval']).toBe(global.scrape_interval);
  });

  it('loads dashboards from the folder compose mounts the dashboards into', () => {
    const target = mountTarget('grafana', './deploy/observability/grafana/dashboards');
    const home = service('grafana').environment?.['GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH'];

    expect(providers).toHaveLength(1);
    expect(providers[0]?.type).toBe('file');
    expect(providers[0]?.options.path).toBe(target);
    expect(home).toBe(`${target}/shop-overview.json`);
  });

  it('provisions every datasource uid the dashboard uses', () => {
    const provisioned = datasources.map(({ uid }) => uid);
    const used = [
      ...dashboardPanels(dashboard).flatMap((panel) => [
        panel.datasource?.uid,
        ...(panel.targets ?? []).map((target) => target.datasource?.uid),
      ]),
      ...dashboardQueries(dashboard).map((query) => query.datasource?.uid),
    ].filter((uid): uid is string => uid !== undefined);

    expect(used.length).toBeGreaterThan(0);
    expect([...new Set(used)].filter((uid) => !provisioned.includes(uid))).toEqual([]);
  });
});
