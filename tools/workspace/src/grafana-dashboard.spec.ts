import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type Dashboard,
  dashboardMetricNames,
  dashboardQueries,
  parsePromql,
  promqlMetricNames,
  promqlVectorSelectors,
} from './grafana-dashboard';

const prometheus = { type: 'prometheus', uid: 'metrics' };

/** Two rows (one collapsed, holding its panel), a panel query per row, and a variable. */
const sample: Dashboard = {
  panels: [
    { id: 1, type: 'row', panels: [] },
    {
      id: 2,
      type: 'timeseries',
      title: 'Latency',
      datasource: prometheus,
      targets: [
        {
          refId: 'A',
          expr: 'histogram_quantile(0.99, sum by (le) (rate(b_seconds_bucket[$__rate_interval])))',
        },
        { refId: 'B', expr: 'sum(rate(a_total[$__interval]))' },
      ],
    },
    {
      id: 3,
      type: 'row',
      panels: [
        {
          id: 4,
          type: 'stat',
          title: 'Backlog',
          targets: [{ refId: 'A', datasource: prometheus, expr: 'max(c_messages)' }],
        },
      ],
    },
    { id: 5, type: 'text', title: 'Notes' },
  ],
  templating: {
    list: [
      {
        type: 'query',
        name: 'service',
        datasource: prometheus,
        query: 'label_values(a_total{job="shop"}, service)',
      },
      { type: 'custom', name: 'quantile', query: '0.95,0.99' },
    ],
  },
};

/** Runs `check` on the dashboard written to a temporary file. */
async function withDashboardFile(
  dashboard: unknown,
  check: (path: string) => Promise<void>,
): Promise<void> {
  const directory = mkdtempSync(join(tmpdir(), 'dashboard-'));
  const path = join(directory, 'dashboard.json');
  writeFileSync(path, JSON.stringify(dashboard));
  try {
    await check(path);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

describe('promqlMetricNames', () => {
  it('names each vector selector’s metric as written, and nothing else', () => {
    const expr =
      'histogram_quantile(0.9, sum by (le, service) (rate(a_seconds_bucket{job="x"}[$__rate_interval])))' +
      ' / on (service) group_left b_total + {__name__="c_bytes", service=~"$service"} offset 5m';

    expect(promqlMetricNames(expr)).toEqual(['a_seconds_bucket', 'b_total', 'c_bytes']);
  });
});

describe('promqlVectorSelectors', () => {
  it('reads each selector’s matchers, string escapes resolved', () => {
    const expr = String.raw`rate(a_total{service=~"$service", path!="it's \"x\"", re=~'\\d+'}[5m]) or b`;

    expect(promqlVectorSelectors(expr)).toEqual([
      {
        name: 'a_total',
        matchers: [
          { label: 'service', op: '=~', value: '$service' },
          { label: 'path', op: '!=', value: `it's "x"` },
          { label: 're', op: '=~', value: String.raw`\d+` },
        ],
      },
      { name: 'b', matchers: [] },
    ]);
  });
});

describe('parsePromql', () => {
  it('accepts Grafana’s range variables where PromQL takes a duration', () => {
    for (const range of ['$__rate_interval', '${__interval}', '$__range']) {
      expect(() => parsePromql(`increase(a_total[${range}])`)).not.toThrow();
    }
  });

  it('rejects what Prometheus would not parse', () => {
    expect(() => parsePromql('sum(rate(http_requests_total[5m])')).toThrow(/not PromQL/);
    expect(() => parsePromql('rate(http_requests_total[$service])')).toThrow(/not PromQL/);
    expect(() => parsePromql('http_requests_total{service=}')).toThrow(/not PromQL/);
    expect(() => parsePromql('')).toThrow(/not PromQL/);
  });
});

describe('dashboardQueries', () => {
  it('finds the panel targets, collapsed rows’ panels included, and label_values selectors', () => {
    expect(dashboardQueries(sample)).toEqual([
      {
        where: 'panel 2 "Latency" target A',
        datasource: prometheus,
        expr: 'histogram_quantile(0.99, sum by (le) (rate(b_seconds_bucket[$__rate_interval])))',
      },
      {
        where: 'panel 2 "Latency" target B',
        datasource: prometheus,
        expr: 'sum(rate(a_total[$__interval]))',
      },
      { where: 'panel 4 "Backlog" target A', datasource: prometheus, expr: 'max(c_messages)' },
      { where: 'variable service', datasource: prometheus, expr: 'a_total{job="shop"}' },
    ]);
  });
});

describe('dashboardMetricNames', () => {
  it('lists the names a dashboard file uses, sorted, once each', async () => {
    await withDashboardFile(sample, async (path) => {
      await expect(dashboardMetricNames(path)).resolves.toEqual([
        'a_total',
        'b_seconds_bucket',
        'c_messages',
      ]);
    });
  });

  it('fails on a dashboard with a query that is not PromQL', async () => {
    const broken = {
      panels: [{ id: 1, type: 'timeseries', targets: [{ refId: 'A', expr: 'rate(x[5m]' }] }],
    };

    await withDashboardFile(broken, async (path) => {
      await expect(dashboardMetricNames(path)).rejects.toThrow(/not PromQL/);
    });
  });
});
