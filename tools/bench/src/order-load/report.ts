import { type FloorResult, SAGA_HOPS } from './floor';
import { type Invariant } from './invariants';
import { type PhaseResult } from './load-phase';

/** The figures a report keeps for the next one to stand beside (in an HTML comment). */
export interface Figures {
  date: string;
  /** The highest offered rate completed at ≥ 90 % of what was offered. */
  kneePerSecond: number | null;
  /** The best completed/s of any phase. */
  capacityPerSecond: number;
  at50: { completedPerSecond: number; p50: number; p99: number } | null;
  hot: { completedPerSecond: number; oversold: boolean } | null;
  floorP50: number | null;
  rssIdleMiB: number | null;
  rssLoadedMiB: number;
}

const FIGURES_MARK = 'order-load-figures';

const sum = (values: number[]): number => values.reduce((total, value) => total + value, 0);

/** The previous report's figures: from its comment, or read off the tables of an older one. */
export function previousFigures(report: string | undefined): Figures | undefined {
  if (!report) return undefined;
  const marked = new RegExp(`<!-- ${FIGURES_MARK} (.*) -->`).exec(report);
  if (marked?.[1]) return JSON.parse(marked[1]) as Figures;
  // Reports from before the figures were kept (2026-12-02 and earlier).
  const date = /on (\d{4}-\d{2}-\d{2})/.exec(report)?.[1];
  const latency = /\| latency \(50 orders\/s offered\) \|[^\n]*/.exec(report)?.[0].split('|');
  const throughput = /\| throughput \(200 orders\/s offered\) \|[^\n]*/
    .exec(report)?.[0]
    .split('|');
  const rss = /\| \*\*all five\*\* \| \*\*(\d+)\*\*/.exec(report)?.[1];
  if (!date || !latency || !rss) return undefined;
  const completed = Number(latency[5]);
  return {
    date,
    kneePerSecond: null,
    capacityPerSecond: Math.max(completed, Number(throughput?.[5] ?? 0)),
    at50: { completedPerSecond: completed, p50: Number(latency[6]), p99: Number(latency[8]) },
    hot: null,
    floorP50: null,
    rssIdleMiB: null,
    rssLoadedMiB: Number(rss),
  };
}

export interface ReportInput {
  machine: string;
  mongoServer: string;
  phaseSeconds: number;
  sweep: PhaseResult[];
  steps: Map<number, Map<string, { p50: number; max: number }>>;
  hot: { result: PhaseResult; stock: number; soldOnHot: number };
  floor: FloorResult;
  processes: string[];
  memory: { app: string; idle: number; loaded: number; peak: number }[];
  invariants: Invariant[];
  previous: Figures | undefined;
}

const ms = (value: number | null | undefined): string =>
  value === null || value === undefined || Number.isNaN(value) ? '–' : String(Math.round(value));
const perSecond = (value: number | null | undefined): string =>
  value === null || value === undefined ? '–' : value.toFixed(1);

export function figuresOf(input: ReportInput): Figures {
  const knee = input.sweep.filter((phase) => phase.completedPerSecond >= 0.9 * phase.spec.rate);
  const at50 = input.sweep.find((phase) => phase.spec.rate === 50);
  return {
    date: new Date().toISOString().slice(0, 10),
    kneePerSecond: knee.length > 0 ? Math.max(...knee.map((phase) => phase.spec.rate)) : null,
    capacityPerSecond: Math.max(
      ...[...input.sweep, input.hot.result].map((phase) => phase.completedPerSecond),
    ),
    at50: at50
      ? { completedPerSecond: at50.completedPerSecond, p50: at50.p50, p99: at50.p99 }
      : null,
    hot: {
      completedPerSecond: input.hot.result.completedPerSecond,
      oversold: input.hot.soldOnHot > input.hot.stock,
    },
    floorP50: input.floor.p50,
    rssIdleMiB: Math.round(sum(input.memory.map(({ idle }) => idle))),
    rssLoadedMiB: Math.round(sum(input.memory.map(({ loaded }) => loaded))),
  };
}

export function renderReport(input: ReportInput): string {
  const figures = figuresOf(input);
  const previous = input.previous;
  const phaseRow = (phase: PhaseResult) =>
    `| ${phase.spec.name} | ${phase.offered} | ${phase.accepted} | ${phase.completed} (${phase.approved} approved) | ${perSecond(phase.completedPerSecond)} | ${ms(phase.p50)} | ${ms(phase.p95)} | ${ms(phase.p99)} | ${
      Object.entries(phase.refused)
        .map(([why, count]) => `${count}× ${why}`)
        .join(', ') || 'none'
    } |`;
  const stepNames = [...new Set([...input.steps.values()].flatMap((steps) => [...steps.keys()]))];
  const stepRows = [...input.steps].map(
    ([rate, steps]) =>
      `| ${rate} | ${stepNames.map((step) => `${ms(steps.get(step)?.p50)} (${ms(steps.get(step)?.max)})`).join(' | ')} |`,
  );
  const phases = [...input.sweep, input.hot.result];
  const cpuRows = input.processes.map(
    (name) =>
      `| ${name} | ${phases
        .map((phase) => {
          const seconds = phase.cpu.get(name);
          if (seconds === undefined || phase.completed === 0) return '–';
          return `${((seconds * 1_000) / phase.completed).toFixed(1)} (${Math.round((seconds / phase.wallSeconds) * 100)} %)`;
        })
        .join(' | ')} |`,
  );
  const cpuTotals = `| **all** | ${phases
    .map((phase) => {
      const seconds = [...phase.cpu.values()].reduce((sum, value) => sum + value, 0);
      return phase.completed === 0
        ? '–'
        : `**${((seconds * 1_000) / phase.completed).toFixed(1)}**`;
    })
    .join(' | ')} |`;
  const target = (met: boolean) => (met ? 'met' : 'not met');
  const at50 = figures.at50;
  const floorRatio = at50 ? at50.p50 / input.floor.p50 : undefined;
  const goals = [
    `| ≥ 200 orders/s completed (spread) | ${perSecond(figures.capacityPerSecond)}/s; knee at ${figures.kneePerSecond ?? '–'}/s offered | ${perSecond(previous?.capacityPerSecond)}/s | ${target(figures.capacityPerSecond >= 200)} |`,
    `| ≥ 100 orders/s on one hot product, no oversell | ${figures.hot ? `${perSecond(figures.hot.completedPerSecond)}/s, ${figures.hot.oversold ? 'OVERSOLD' : 'no oversell'}` : 'not run'} | ${previous?.hot ? `${perSecond(previous.hot.completedPerSecond)}/s` : '–'} | ${target(!!figures.hot && figures.hot.completedPerSecond >= 100 && !figures.hot.oversold)} |`,
    `| p50 ≤ 50 ms at 50 orders/s | ${ms(at50?.p50)} ms | ${ms(previous?.at50?.p50)} ms | ${target(!!at50 && at50.p50 <= 50)} |`,
    `| p99 ≤ 250 ms at 50 orders/s | ${ms(at50?.p99)} ms | ${ms(previous?.at50?.p99)} ms | ${target(!!at50 && at50.p99 <= 250)} |`,
    `| saga p50 ≤ 2× the floor's | ${floorRatio === undefined ? '–' : `${floorRatio.toFixed(1)}× (floor ${ms(input.floor.p50)} ms)`} | ${previous?.floorP50 ? `floor ${ms(previous.floorP50)} ms` : '–'} | ${target(floorRatio !== undefined && floorRatio <= 2)} |`,
    `| five apps ≤ 400 MiB idle | ${ms(figures.rssIdleMiB)} MiB | ${ms(previous?.rssIdleMiB)} MiB | ${target((figures.rssIdleMiB ?? Infinity) <= 400)} |`,
    `| five apps ≤ 600 MiB at the end of the load | ${figures.rssLoadedMiB} MiB | ${ms(previous?.rssLoadedMiB)} MiB | ${target(figures.rssLoadedMiB <= 600)} |`,
    `| invariants hold | ${input.invariants.every(({ ok }) => ok) ? 'all' : 'FAILED'} | | ${target(input.invariants.every(({ ok }) => ok))} |`,
  ];
  return `# Order load

\`npm run bench:orders\` on ${figures.date}: orders placed through the gateway
at fixed offered rates (open loop) by one customer (one line, \`tok_visa\`),
against the five apps as \`npm run demo\` runs them (built output, one
process each) on this machine's PostgreSQL, Kafka and MongoDB-wire server.
The time to the final state runs from sending \`POST /orders\` to the
order's \`OrderApproved\` (or \`OrderRejected\`) event, read from Kafka.
Load generator, apps and servers share the machine. Each phase offers
orders for ${input.phaseSeconds} s, then waits for every accepted one to end.
Previous figures: ${previous ? `the report of ${previous.date}` : 'none'}.

## Machine

${input.machine}
- MongoDB-wire server: ${input.mongoServer}

## Against the targets

| target | now | previous | |
|---|---|---|---|
${goals.join('\n')}

## Rate sweep (orders spread over the catalog) and the hot product

Past 50 orders/s (the latency targets' rate), the sweep stops after the
first rate completed at under 90 % of what was offered; the knee is the
highest rate completed at 90 % or more. The hot phase puts every order on one product whose
stock is ${input.hot.stock} units: orders past it must be rejected, never oversold.

| phase | offered | accepted (202) | reached a final state | completed/s | p50 ms | p95 ms | p99 ms | refused |
|---|---|---|---|---|---|---|---|---|
${phases.map(phaseRow).join('\n')}

Hot product: ${input.hot.soldOnHot} sold of ${input.hot.stock} in stock.

## Where the time goes

Each participant step, command sent to reply received, p50 (max) ms over the
customer's last 50 orders after each sweep phase:

| offered/s | ${stepNames.join(' | ')} |
|---|${stepNames.map(() => '---|').join('')}
${stepRows.join('\n')}

## CPU per process

CPU ms per completed order (and share of one core) from the first order
of a phase to its last final state; PostgreSQL counts its backends, the
load generator is this benchmark's own process (client and Kafka observer).

| process | ${phases.map((phase) => phase.spec.name).join(' | ')} |
|---|${phases.map(() => '---|').join('')}
${cpuRows.join('\n')}
${cpuTotals}

## The floor

Bare kafkajs and pg, nothing else: ${input.floor.chains} chains at the 50/s phase's rate, each ${SAGA_HOPS} hops of a PostgreSQL commit then a Kafka produce the next hop consumes (the saga's count per order). Completed ${input.floor.completed}; p50 ${ms(input.floor.p50)} ms, p95 ${ms(input.floor.p95)} ms, p99 ${ms(input.floor.p99)} ms.

## Memory (RSS MiB per app: idle before the load, at its end, peak)

| app | idle | end of load | peak |
|---|---|---|---|
${input.memory.map(({ app, idle, loaded, peak }) => `| ${app} | ${ms(idle)} | ${ms(loaded)} | ${ms(peak)} |`).join('\n')}
| **all five** | **${ms(sum(input.memory.map(({ idle }) => idle)))}** | **${ms(sum(input.memory.map(({ loaded }) => loaded)))}** | **${ms(sum(input.memory.map(({ peak }) => peak)))}** |

## Invariants (from the services' databases, after every phase)

${input.invariants.map(({ name, ok, detail }) => `- ${ok ? 'ok' : '**FAILED**'}: ${name} (${detail})`).join('\n')}

<!-- ${FIGURES_MARK} ${JSON.stringify(figures)} -->
`;
}
