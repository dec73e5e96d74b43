import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { parse } from 'yaml';
import {
  type Dashboard,
  dashboardMetricNames,
  dashboardPanels,
  dashboardQueries,
  parsePromql,
  promqlVectorSelectors,
  SHOP_OVERVIEW_DASHBOARD_PATH,
} from '../src/grafana-dashboard';

const workspaceRoot = resolve(__dirname, '../../..');
const dashboard = JSON.parse(readFileSync(SHOP_OVERVIEW_DASHBOARD_PATH, 'utf8')) as Dashboard;
const { datasources } = parse(
  readFileSync(
    join(workspaceRoot, 'deploy/observability/grafana/provisioning/datasources/datasources.yaml'),
    'utf8',
  ),
) as { datasources: { uid: string; type: string }[] };
const compose = parse(readFileSync(join(workspaceRoot, 'docker-compose.yml'), 'utf8'), {
  merge: true,
}) as { services: Record<string, { image?: string }> };

type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary';

/**
 * What the services register besides prom-client's defaults (libs/observability,
 * libs/messaging, libs/saga, the payment provider adapter); every series also
 * carries `service`. tools/e2e checks the running services against the
 * dashboard; this list is the contract the dashboard is written against.
 */
const SERVICE_METRICS: Record<string, MetricType> = {
  http_requests_total: 'counter',
  http_request_duration_seconds: 'histogram',
  saga_started_total: 'counter',
  saga_ended_total: 'counter',
  saga_duration_seconds: 'histogram',
  outbox_backlog_messages: 'gauge',
  outbox_oldest_unsent_age_seconds: 'gauge',
  kafka_consumer_lag_messages: 'gauge',
  messages_consumed_total: 'counter',
  dead_letter_messages_total: 'counter',
  payment_provider_call_duration_seconds: 'histogram',
};

/** The series names a metric appears under in the text exposition format. */
function seriesNames(name: string, type: MetricType): string[] {
  if (type === 'histogram') return [`${name}_bucket`, `${name}_sum`, `${name}_count`];
  if (type === 'summary') return [name, `${name}_sum`, `${name}_count`];
  return [name];
}

/** prom-client's default metrics, as the services' registries collect them. */
async function defaultMetrics(): Promise<Record<string, MetricType>> {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const metrics = await registry.getMetricsAsJSON();
  registry.clear();
  return Object.fromEntries(metrics.map(({ name, type }) => [name, String(type) as MetricType]));
}

/** The dashboard's topics, each with the series its panels must query. */
const TOPICS: Record<string, string[]> = {
  'request and error rate': ['http_requests_total'],
  'request duration p95/p99': ['http_request_duration_seconds_bucket'],
  'saga outcomes': ['saga_started_total', 'saga_ended_total'],
  'saga duration p95': ['saga_duration_seconds_bucket'],
  'outbox backlog and age': ['outbox_backlog_messages', 'outbox_oldest_unsent_age_seconds'],
  'consumer lag and throughput': ['kafka_consumer_lag_messages', 'messages_consumed_total'],
  'dead letters': ['dead_letter_messages_total'],
  'payment provider calls': ['payment_provider_call_duration_seconds_bucket'],
  'process memory and event loop': [
    'process_resident_memory_bytes',
    'nodejs_eventloop_lag_p99_seconds',
  ],
};

const queryPanels = dashboardPanels(dashboard).filter((panel) => panel.type !== 'row');
const queries = dashboardQueries(dashboard);

describe('the Grafana dashboard (deploy/observability/grafana/dashboards/shop-overview.json)', () => {
  it('is a classic dashboard model of the pinned Grafana, with a fixed uid', () => {
    // 42 is the classic model's current (and last) schema version in Grafana 12.4;
    // bumping Grafana means re-checking it.
    expect(compose.services['grafana']?.image).toMatch(/^grafana\/grafana:12\.4\.\d+$/);
    expect(dashboard.schemaVersion).toBe(42);
    expect(dashboard.uid).toBe('shop-overview');
    expect(dashboard.title).toBe('Shop overview');
    // An export "for sharing externally" (`__inputs`) or with a database id is not provisionable.
    expect(dashboard).not.toHaveProperty('__inputs');
    expect(dashboard).not.toHaveProperty('id');
  });

  it('gives every panel a unique id', () => {
    const ids = dashboardPanels(dashboard).map((panel) => panel.id);

    expect(ids.every((id) => Number.isInteger(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('lays the panels out on the 24-column grid without overlap', () => {
    // A panel without a gridPos gets an impossible box, so it fails the first check.
    const boxes = (dashboard.panels ?? []).map(({ id, gridPos }) => ({
      id,
      ...(gridPos ?? { x: -1, y: -1, w: 0, h: 0 }),
    }));
    type Box = (typeof boxes)[number];
    const overlapping = (a: Box, b: Box): boolean =>
      a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

    for (const { id, x, w, h } of boxes) {
      expect({ id, fits: x >= 0 && w > 0 && h > 0 && x + w <= 24 }).toEqual({ id, fits: true });
    }
    const overlaps = boxes.flatMap((a, i) =>
      boxes
        .slice(i + 1)
        .filter((b) => overlapping(a, b))
        .map((b) => [a.id, b.id]),
    );
    expect(overlaps).toEqual([]);
  });

  it('queries a provisioned datasource, by uid, from every panel and target', () => {
    const provisioned = new Map(datasources.map(({ uid, type }) => [uid, type]));

    expect(queryPanels.length).toBeGreaterThanOrEqual(10);
    for (const panel of queryPanels) {
      const refs = [panel.datasource, ...(panel.targets ?? []).map((target) => target.datasource)];
      expect((panel.targets ?? []).length).toBeGreaterThan(0);
      for (const ref of refs) {
        expect({ panel: panel.title, type: provisioned.get(ref?.uid ?? '') }).toEqual({
          panel: panel.title,
          type: ref?.type,
        });
      }
    }
    for (const row of dashboardPanels(dashboard).filter((panel) => panel.type === 'row')) {
      expect(row.targets ?? []).toEqual([]);
    }
  });

  it('is parsed with the PromQL grammar of the Prometheus release compose runs', () => {
    const { devDependencies } = JSON.parse(
      readFileSync(join(workspaceRoot, 'package.json'), 'utf8'),
    ) as { devDependencies: Record<string, string> };
    const version = devDependencies['@prometheus-io/lezer-promql'] ?? '';
    // Pinned exactly; the grammar is published as 0.3MM.P for Prometheus 3.MM.P.
    const [, minor, patch] = /^0\.3(\d{2})\.(\d+)$/.exec(version) ?? [];

    expect(version).toMatch(/^0\.3\d{2}\.\d+$/);

    expect(compose.services['prometheus']?.image).toBe(
      `prom/prometheus:v3.${Number(minor)}.${patch}`,
    );
  });

  it('has only queries that parse as PromQL', () => {
    const failures = queries.flatMap(({ where, expr }) => {
      try {
        parsePromql(expr);
        return [];
      } catch (error) {
        return [`${where}: ${(error as Error).message}`];
      }
    });

    expect(queries.length).toBeGreaterThanOrEqual(queryPanels.length);
    expect(failures).toEqual([]);
  });

  it('filters every series by the service variable', () => {
    const variable = dashboard.templating?.list?.find((entry) => entry.name === 'service');
    const unfiltered = queries.flatMap(({ where, expr }) =>
      promqlVectorSelectors(expr)
        .filter(
          ({ matchers }) =>
            !matchers.some((m) => m.label === 'service' && m.op === '=~' && m.value === '$service'),
        )
        .map(({ name }) => `${where}: ${name ?? '{…}'}`),
    );

    expect(variable?.type).toBe('query');
    // The variable's own query lists the services: it cannot filter by itself.
    expect(unfiltered).toEqual(['variable service: process_resident_memory_bytes']);
  });

  it('uses only series the services expose', async () => {
    const known = Object.entries({ ...(await defaultMetrics()), ...SERVICE_METRICS }).flatMap(
      ([name, type]) => seriesNames(name, type),
    );

    const names = await dashboardMetricNames(SHOP_OVERVIEW_DASHBOARD_PATH);

    expect(names.filter((name) => !known.includes(name))).toEqual([]);
  });

  it.each(Object.entries(TOPICS))('has panels for %s', async (_topic, series) => {
    const names = await dashboardMetricNames(SHOP_OVERVIEW_DASHBOARD_PATH);

    expect(names).toEqual(expect.arrayContaining(series));
  });

  it('shows the 5xx share and the p95 and p99 request durations', () => {
    const selectors = queries.flatMap(({ expr }) => promqlVectorSelectors(expr));
    const expressions = queries.map(({ expr }) => expr);

    expect(selectors).toContainEqual({
      name: 'http_requests_total',
      matchers: expect.arrayContaining([{ label: 'status', op: '=~', value: '5..' }]) as unknown,
    });
    for (const quantile of ['0.95', '0.99']) {
      expect(
        expressions.some((expr) =>
          new RegExp(
            `^histogram_quantile\\(${quantile},.*http_request_duration_seconds_bucket`,
          ).test(expr),
        ),
      ).toBe(true);
    }
  });
});
