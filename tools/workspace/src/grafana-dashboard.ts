import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parser } from '@prometheus-io/lezer-promql';

/** The dashboard the compose `observability` profile provisions into Grafana. */
export const SHOP_OVERVIEW_DASHBOARD_PATH = resolve(
  __dirname,
  '../../../deploy/observability/grafana/dashboards/shop-overview.json',
);

type SyntaxNode = ReturnType<typeof parser.parse>['topNode'];

export interface DatasourceRef {
  type?: string;
  uid?: string;
}

export interface DashboardTarget {
  refId?: string;
  datasource?: DatasourceRef;
  expr?: string;
}

export interface DashboardPanel {
  id?: number;
  type?: string;
  title?: string;
  datasource?: DatasourceRef;
  gridPos?: { h: number; w: number; x: number; y: number };
  targets?: DashboardTarget[];
  /** A row's panels: only a collapsed row holds its panels here. */
  panels?: DashboardPanel[];
}

export interface DashboardVariable {
  type?: string;
  name?: string;
  datasource?: DatasourceRef;
  query?: string | { query?: string };
}

/** The parts of Grafana's dashboard JSON model that these checks read. */
export interface Dashboard {
  uid?: string;
  title?: string;
  schemaVersion?: number;
  panels?: DashboardPanel[];
  templating?: { list?: DashboardVariable[] };
}

/** One PromQL query of a dashboard, and where it is. */
export interface DashboardQuery {
  where: string;
  datasource?: DatasourceRef;
  expr: string;
}

/**
 * Grafana's own range variables, each replaced by a duration before parsing:
 * Grafana substitutes them before Prometheus sees the query, and outside a
 * string they are not PromQL. Dashboard variables (`$service`) stay as they
 * are: they belong inside label-matcher strings, where they parse as text.
 */
const GRAFANA_RANGE_VARIABLES = /\$\{?__(rate_interval|interval|range)(_ms|_s)?\}?/g;

const LABEL_VALUES = /^\s*label_values\(\s*(.+?)\s*,\s*[A-Za-z_][A-Za-z0-9_]*\s*\)\s*$/s;

/** Every panel of a dashboard, rows' nested panels included. */
export function dashboardPanels(dashboard: Dashboard): DashboardPanel[] {
  return (dashboard.panels ?? []).flatMap((panel) => [
    panel,
    ...dashboardPanels({ panels: panel.panels ?? [] }),
  ]);
}

/**
 * Every PromQL expression of a dashboard: each panel target's `expr`, and the
 * series selector of each `label_values(selector, label)` variable query.
 */
export function dashboardQueries(dashboard: Dashboard): DashboardQuery[] {
  const fromPanels = dashboardPanels(dashboard).flatMap((panel) =>
    (panel.targets ?? [])
      .filter((target) => typeof target.expr === 'string')
      .map((target) => ({
        where: `panel ${panel.id ?? '?'} "${panel.title ?? ''}" target ${target.refId ?? '?'}`,
        datasource: target.datasource ?? panel.datasource,
        expr: target.expr as string,
      })),
  );
  const fromVariables = (dashboard.templating?.list ?? [])
    .filter((variable) => variable.type === 'query')
    .flatMap((variable) => {
      const text = typeof variable.query === 'string' ? variable.query : variable.query?.query;
      const selector = text === undefined ? undefined : LABEL_VALUES.exec(text)?.[1];
      return selector === undefined
        ? []
        : [
            {
              where: `variable ${variable.name ?? '?'}`,
              datasource: variable.datasource,
              expr: selector,
            },
          ];
    });
  return [...fromPanels, ...fromVariables];
}

/**
 * Parses a dashboard's PromQL with Prometheus' own grammar
 * (`@prometheus-io/lezer-promql`, the parser of Prometheus' UI) after Grafana's
 * range variables are substituted; throws on a syntax error.
 */
export function parsePromql(expr: string): SyntaxNode {
  const text = expr.replace(GRAFANA_RANGE_VARIABLES, '5m');
  const tree = parser.parse(text);
  const errors: number[] = [];
  tree.iterate({
    enter: (node) => {
      if (node.type.isError) errors.push(node.from);
    },
  });
  if (errors.length > 0 || text.trim() === '') {
    const at = errors[0] ?? 0;
    throw new Error(`not PromQL (syntax error at ${at}: "${text.slice(at, at + 20)}"): ${expr}`);
  }
  return tree.topNode;
}

const STRING_ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t' };

/** The value of a PromQL string literal: `"…"` and `'…'` with backslash escapes, `` `…` `` raw. */
function stringLiteral(text: string): string {
  const body = text.slice(1, -1);
  if (text.startsWith('`')) return body;
  return body.replace(
    /\\(.)/g,
    (_escape, character: string) => STRING_ESCAPES[character] ?? character,
  );
}

export interface LabelMatcher {
  label: string;
  /** `=`, `!=`, `=~` or `!~`. */
  op: string;
  value: string;
}

/** One vector selector of a PromQL expression: `name{matchers}` or `{matchers}`. */
export interface VectorSelector {
  /** The metric name as written before the braces, if any. */
  name?: string;
  matchers: LabelMatcher[];
}

/** Every vector selector of an expression, in order (a range selector's included). */
export function promqlVectorSelectors(expr: string): VectorSelector[] {
  const text = expr.replace(GRAFANA_RANGE_VARIABLES, '5m');
  const source = (node: SyntaxNode): string => text.slice(node.from, node.to);
  const selectors: VectorSelector[] = [];
  const visit = (node: SyntaxNode): void => {
    if (node.name === 'VectorSelector') {
      const identifier = node.getChild('Identifier');
      const matchers = (node.getChild('LabelMatchers')?.getChildren('UnquotedLabelMatcher') ?? [])
        .map((matcher) => {
          const [label, op, value] = ['LabelName', 'MatchOp', 'StringLiteral'].map((part) =>
            matcher.getChild(part),
          );
          return label && op && value
            ? { label: source(label), op: source(op), value: stringLiteral(source(value)) }
            : undefined;
        })
        .filter((matcher): matcher is LabelMatcher => matcher !== undefined);
      selectors.push({ ...(identifier ? { name: source(identifier) } : {}), matchers });
    }
    for (let child = node.firstChild; child; child = child.nextSibling) visit(child);
  };
  visit(parsePromql(expr));
  return selectors;
}

/**
 * The metric names an expression's vector selectors name, exactly as written
 * (`…_bucket` stays `…_bucket`): `foo{…}` and `{__name__="foo"}`.
 */
export function promqlMetricNames(expr: string): string[] {
  const names = promqlVectorSelectors(expr).flatMap(({ name, matchers }) => [
    ...(name ? [name] : []),
    ...matchers
      .filter((matcher) => matcher.label === '__name__' && matcher.op === '=')
      .map((matcher) => matcher.value),
  ]);
  return [...new Set(names)];
}

/**
 * The metric names a Grafana dashboard's queries use, sorted and without
 * repeats. Histogram series keep their suffix (`…_bucket`), so each name can
 * be looked up as is in a service's `/metrics` output. Throws when a query is
 * not PromQL.
 */
export async function dashboardMetricNames(dashboardPath: string): Promise<string[]> {
  const dashboard = JSON.parse(await readFile(dashboardPath, 'utf8')) as Dashboard;
  const names = dashboardQueries(dashboard).flatMap(({ expr }) => promqlMetricNames(expr));
  return [...new Set(names)].sort();
}
