// `npm run bench:gateway`: the same upstream read measured directly, through
// the gateway and through nginx as a reverse proxy, side by side in one run;
// writes bench/gateway-report.md. A report, never a timed test.
import { down, settingsToEnv, up } from '@shop/infra';
import { freePort, freePorts, ServiceProcess, TestMongoDatabase, uniqueName } from '@shop/testing';
import autocannon, { type Result } from 'autocannon';
import { type ChildProcess, spawn } from 'node:child_process';
import { Agent, get } from 'node:http';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { cpuTicksOfTree, describeMachine, TICKS_PER_SECOND } from './machine';
import { NginxProxy } from './nginx-proxy';

const root = resolve(__dirname, '../../..');
const DURATION_SECONDS = Number(process.env['BENCH_DURATION_SECONDS'] ?? 10);
const CONNECTIONS = Number(process.env['BENCH_CONNECTIONS'] ?? 32);
/** Every target is measured this many times, in rounds, in turn; the report gives medians. */
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
const ALONE_SECONDS = 6;

interface Target {
  target: string;
  url: string;
  /** The process that answers first (direct server, nginx, gateway). */
  pid: number | undefined;
}

/** One measurement of one target. */
interface Run {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  /** CPU time the front process (and its children) spent per answered request. */
  cpuMicrosPerRequest: number | undefined;
  failed: number;
}

/** A target over every round: each figure is the median of its rounds. */
interface Row extends Run {
  target: string;
  /** Requests/s of each round, in round order (for ratios within a round). */
  perRound: number[];
}

// What the observability work adds to each request, kept apart in its own rows:
// no spans, and the request log at warn (no line per request).
const WITHOUT_REQUEST_LOG = { LOG_LEVEL: 'warn' };

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
};

/**
 * Runs `work`, and gives the CPU time `pid` (and its children) spent during it
 * per request answered (`answered` of its result); undefined without a pid.
 */
async function withCpuPerRequest<T>(
  pid: number | undefined,
  work: () => Promise<T>,
  answered: (result: T) => number,
): Promise<{ result: T; cpuMicrosPerRequest: number | undefined }> {
  const ticksBefore = pid === undefined ? undefined : cpuTicksOfTree(pid);
  const result = await work();
  const count = answered(result);
  if (pid === undefined || ticksBefore === undefined || count === 0) {
    return { result, cpuMicrosPerRequest: undefined };
  }
  const seconds = (cpuTicksOfTree(pid) - ticksBefore) / TICKS_PER_SECOND;
  return { result, cpuMicrosPerRequest: Math.round((seconds * 1e6) / count) };
}

/**
 * Every target, ROUNDS times, in rounds (the order turned by one each round):
 * a burst of load elsewhere on the machine then hits every target alike, and
 * comparisons are taken within a round, between runs a few seconds apart.
 * Gives each target's results in round order.
 */
async function inRounds<T>(
  targets: Target[],
  describe: string,
  measure: (target: Target) => Promise<T>,
): Promise<T[][]> {
  const results: T[][] = targets.map(() => []);
  for (let round = 0; round < ROUNDS; round += 1) {
    for (let step = 0; step < targets.length; step += 1) {
      const index = (step + round) % targets.length;
      const target = targets[index] as Target;
      process.stderr.write(`[bench] round ${round + 1}/${ROUNDS}: ${target.target}, ${describe}\n`);
      (results[index] as T[])[round] = await measure(target);
    }
  }
  return results;
}

/** The median CPU time per request over the rounds that could measure it. */
function medianCpu(runs: { cpuMicrosPerRequest: number | undefined }[]): number | undefined {
  const known = runs.flatMap((run) => run.cpuMicrosPerRequest ?? []);
  return known.length ? Math.round(median(known)) : undefined;
}

async function measureOnce({ target, url, pid }: Target): Promise<Run> {
  await autocannon({ url, connections: CONNECTIONS, duration: 2 });
  const { result, cpuMicrosPerRequest } = await withCpuPerRequest(
    pid,
    (): Promise<Result> =>
      autocannon({ url, connections: CONNECTIONS, duration: DURATION_SECONDS }),
    (run) => run.requests.total,
  );
  const answered = result.requests.total;
  // A stray socket timeout under load is noise; more than 1% failed requests invalidates the run.
  const failed = result.non2xx + result.errors;
  if (failed > answered / 100) {
    throw new Error(
      `${target}: ${result.non2xx} non-2xx answers and ${result.errors} errors in ${answered} requests; the run is not valid`,
    );
  }
  return {
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    cpuMicrosPerRequest,
    failed,
  };
}

/** Throughput of every target, in rounds; each figure the median over the rounds. */
async function measureInRounds(targets: Target[]): Promise<Row[]> {
  const runs = await inRounds(
    targets,
    `${DURATION_SECONDS} s at ${CONNECTIONS} connections`,
    measureOnce,
  );
  return targets.map(({ target }, index) => {
    const own = runs[index] as Run[];
    return {
      target,
      perRound: own.map((run) => run.requestsPerSecond),
      requestsPerSecond: median(own.map((run) => run.requestsPerSecond)),
      p50: median(own.map((run) => run.p50)),
      p99: median(own.map((run) => run.p99)),
      cpuMicrosPerRequest: medianCpu(own),
      failed: own.reduce((sum, run) => sum + run.failed, 0),
    };
  });
}

/** The median over the rounds of `row`'s throughput over `reference`'s in the same round. */
function ratioTo(row: Row, reference: Row): number {
  return median(row.perRound.map((value, round) => value / (reference.perRound[round] as number)));
}

function table(rows: Row[]): {
  text: string;
  ratio: number;
  addedP50: number;
  addedP99: number;
  nginxP50: number;
  nginxP99: number;
} {
  const [direct, nginx, gateway] = rows as [Row, Row, Row, ...Row[]];
  const line = (row: Row) =>
    `| ${row.target} | ${Math.round(row.requestsPerSecond)} | ${row.p50} | ${row.p99} | ${ratioTo(row, nginx).toFixed(2)} | ${row.perRound.map((value, round) => (value / (nginx.perRound[round] as number)).toFixed(2)).join(' / ')} | ${row.cpuMicrosPerRequest ?? '-'} | ${row.failed} |`;
  const added = (row: Row, percentile: 'p50' | 'p99') => row[percentile] - direct[percentile];
  return {
    text: `| target | requests/s | p50 ms | p99 ms | throughput vs nginx | each round | CPU µs/request | failed |
|---|---|---|---|---|---|---|---|
${rows.map(line).join('\n')}`,
    ratio: ratioTo(gateway, nginx),
    addedP50: added(gateway, 'p50'),
    addedP99: added(gateway, 'p99'),
    nginxP50: added(nginx, 'p50'),
    nginxP99: added(nginx, 'p99'),
  };
}

interface LatencyRow {
  target: string;
  /** Requests timed, over every round. */
  requests: number;
  /** Milliseconds: the median over the rounds of each round's percentile. */
  p50: number;
  p99: number;
  p50PerRound: number[];
  /** Each round's p50 less the reference's p50 in the same paired window (0 for the reference). */
  addedPerRound: number[];
  /** CPU time of the front process per request, one at a time (median over the rounds). */
  cpuMicrosPerRequest: number | undefined;
}

const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

/** One request on a keep-alive connection of `agent`, timed with the monotonic clock (ms). */
function timeOne(target: Target, agent: Agent): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const started = process.hrtime.bigint();
    get(target.url, { agent }, (response) => {
      response.on('data', () => undefined);
      response.on('end', () => {
        if (response.statusCode !== 200) {
          reject(new Error(`${target.target}: ${response.statusCode}`));
        } else resolve(Number(process.hrtime.bigint() - started) / 1e6);
      });
    }).on('error', reject);
  });
}

interface PairedWindow {
  /** Sorted request times (ms) of the reference and of the target, from the same window. */
  reference: number[];
  target: number[];
  /** CPU time of the target's front process per request it answered. */
  cpuMicrosPerRequest: number | undefined;
}

/**
 * The reference and a target, one request at a time on one keep-alive
 * connection each, alternating request by request for ALONE_SECONDS: both are
 * timed under the same conditions, so what else the machine does in those
 * seconds weighs on both alike, and their difference is what the target adds.
 */
async function timePaired(reference: Target, target: Target): Promise<PairedWindow> {
  const agents = [reference, target].map(() => new Agent({ keepAlive: true, maxSockets: 1 }));
  const [referenceAgent, targetAgent] = agents as [Agent, Agent];
  try {
    for (let warm = 0; warm < 300; warm += 1) {
      await timeOne(reference, referenceAgent);
      await timeOne(target, targetAgent);
    }
    const timed: PairedWindow = { reference: [], target: [], cpuMicrosPerRequest: undefined };
    const { cpuMicrosPerRequest } = await withCpuPerRequest(
      target.pid,
      async () => {
        const until = Date.now() + ALONE_SECONDS * 1_000;
        // Which one goes first alternates too: neither always follows the other.
        for (let turn = 0; Date.now() < until; turn += 1) {
          if (turn % 2) timed.target.push(await timeOne(target, targetAgent));
          timed.reference.push(await timeOne(reference, referenceAgent));
          if (!(turn % 2)) timed.target.push(await timeOne(target, targetAgent));
        }
      },
      () => timed.target.length,
    );
    timed.reference.sort((a, b) => a - b);
    timed.target.sort((a, b) => a - b);
    return { ...timed, cpuMicrosPerRequest };
  } finally {
    for (const agent of agents) agent.destroy();
  }
}

/**
 * The added latency without queueing: every target after the first (the
 * reference, the direct read) paired with it, in rounds like the throughput.
 * Gives the reference's row first, then each target's.
 */
async function measureAloneInRounds(targets: Target[]): Promise<LatencyRow[]> {
  const [reference, ...others] = targets as [Target, ...Target[]];
  const windows = await inRounds(
    others,
    `one connection, alternating with ${reference.target}, ${ALONE_SECONDS} s`,
    (target) => timePaired(reference, target),
  );
  const row = (
    target: string,
    rounds: number[][],
    cpu: { cpuMicrosPerRequest: number | undefined }[],
    added?: number[],
  ) => {
    const p50PerRound = rounds.map((sorted) => percentile(sorted, 50));
    return {
      target,
      requests: rounds.reduce((sum, sorted) => sum + sorted.length, 0),
      p50: median(p50PerRound),
      p99: median(rounds.map((sorted) => percentile(sorted, 99))),
      p50PerRound,
      addedPerRound: added ?? p50PerRound.map(() => 0),
      cpuMicrosPerRequest: medianCpu(cpu),
    };
  };
  const all = windows.flat();
  return [
    // The reference was timed in every window: its figures over all of them.
    row(
      reference.target,
      all.map((window) => window.reference),
      [],
    ),
    ...others.map(({ target }, index) => {
      const own = windows[index] as PairedWindow[];
      return row(
        target,
        own.map((window) => window.target),
        own,
        own.map((window) => percentile(window.target, 50) - percentile(window.reference, 50)),
      );
    }),
  ];
}

/** The median over the rounds of what `row` adds to the reference's p50 in the same window. */
function addedP50(row: LatencyRow): number {
  return median(row.addedPerRound);
}

function latencyTable(rows: LatencyRow[]): string {
  const line = (row: LatencyRow, index: number) =>
    index === 0
      ? `| ${row.target} | ${row.requests} | ${row.p50.toFixed(2)} | ${row.p99.toFixed(2)} | – | – | ${row.cpuMicrosPerRequest ?? '-'} |`
      : `| ${row.target} | ${row.requests} | ${row.p50.toFixed(2)} | ${row.p99.toFixed(2)} | ${addedP50(row).toFixed(2)} | ${row.addedPerRound.map((added) => added.toFixed(2)).join(' / ')} | ${row.cpuMicrosPerRequest ?? '-'} |`;
  return `| target | requests | p50 ms | p99 ms | added p50 ms | each round | CPU µs/request |
|---|---|---|---|---|---|---|
${rows.map(line).join('\n')}`;
}

function aloneVerdict(name: string, rows: LatencyRow[]): string {
  const [, nginx, gateway, lean] = rows as [LatencyRow, LatencyRow, LatencyRow, LatencyRow];
  const added = (row: LatencyRow) => addedP50(row);
  const met = (row: LatencyRow) => (added(row) <= 1 ? 'met' : 'not met');
  return `- ${name}, one connection: the gateway adds **${added(gateway).toFixed(2)} ms** to the p50 (target ≤ 1 ms: ${met(gateway)}; request log off: ${added(lean).toFixed(2)} ms, ${met(lean)}), nginx ${added(nginx).toFixed(2)} ms`;
}

function report(
  real: Row[],
  isolated: Row[],
  realAlone: LatencyRow[],
  staticAlone: LatencyRow[],
): string {
  const onCatalog = table(real);
  const onStatic = table(isolated);
  const throughput = (name: string, t: ReturnType<typeof table>) =>
    `- ${name}: gateway **${t.ratio.toFixed(2)}×** nginx's throughput (target ≥ 0.80: ${t.ratio >= 0.8 ? 'met' : 'not met'})`;
  return `# Gateway benchmark

\`npm run bench:gateway\` on ${new Date().toISOString().slice(0, 10)}: \`GET\` of one product, the same
catalog read, measured directly on the catalog service, through nginx as a
reverse proxy and through the gateway. Throughput: autocannon,
${CONNECTIONS} connections, ${DURATION_SECONDS} s per run after a 2 s warm-up, every target
${ROUNDS} times in rounds (each round measures every target in turn, the order
turned by one each round), so that a burst of other work on the machine
hits all targets alike; each figure is the median over the rounds, and
*throughput vs nginx* is the median of the ratios taken within a round
(each round's in *each round*). The load generator, the proxy and the
catalog share the machine's cores, as they would on one host: absolute
numbers say more about this machine than about the code, the ratios are the
point. *CPU µs/request* is the CPU time of the process that answers first
(the server itself, nginx, or the gateway; not what is behind it) per
request: it depends much less than requests/s on what else the machine
runs at the time.

## Machine

${describeMachine()}

## Results

### 1. The real catalog (MongoDB-wire server behind it)

${onCatalog.text}

At ${CONNECTIONS} connections in a closed loop the p50 is mostly waiting for a core
(it follows the throughput); the added latency is measured without
queueing, one request at a time on one keep-alive connection (timed to the
microsecond). Each proxy is paired with the direct read: the two alternate
request by request for ${ALONE_SECONDS} s, so that both meet the same machine (a
burst of other work, the database's state) and their difference is what the
proxy adds; *added p50* is the median over the ${ROUNDS} rounds of the
difference between the two p50s of one window (each round's in *each
round*):

${latencyTable(realAlone)}

### 2. A static upstream (recorded catalog answers served from memory)

The same read with the database out of the picture: what the proxies
themselves cost. A diagnostic, not the target: here the gateway's own CPU
per request is set against nginx's (Node doing auth, limits, validation and
metrics, against C forwarding bytes), with nothing behind them to weigh.

${onStatic.text}

One connection:

${latencyTable(staticAlone)}

## Verdict

The issue's targets, on the read it names (the real catalog):

${throughput('real catalog', onCatalog)}
${aloneVerdict('real catalog', realAlone)}

For scale, on the static upstream:

${throughput('static upstream', onStatic)}
${aloneVerdict('static upstream', staticAlone)}

The gateway rows without cache do all of the edge work on every request
(route table, per-address rate limit, OpenAPI validation of the request,
security headers, request id, metrics, resilient upstream call with its
breaker and bulkhead, and the product cache's store, its TTL set to 1 ms);
the first runs as deployed (a JSON request log line per request; no trace
exporter, so no OpenTelemetry SDK in the gateway, which carries the trace
context itself), the row *request log off* runs with \`LOG_LEVEL=warn\`;
the cached row is what a public product read costs when the short product
cache answers.
`;
}

async function waitUntilUp(url: string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url} did not come up`);
}

async function main(): Promise<void> {
  const { settings } = await up();
  Object.assign(process.env, settingsToEnv(settings));
  const logDirectory = mkdtempSync(join(tmpdir(), 'bench-gateway-'));
  const database = TestMongoDatabase.create('bench-catalog');
  const prefix = `${uniqueName('bench')}.`;
  const common = {
    NODE_ENV: 'production',
    KAFKA_BROKERS: settings.kafkaBrokers.join(','),
    KAFKA_TOPIC_PREFIX: prefix,
  };
  // Chosen together: two free ports asked for in a row may be the same one.
  const [catalogPort, nginxPort] = (await freePorts(2)) as [number, number];
  const catalogEnv = { ...common, PORT: String(catalogPort), CATALOG_MONGODB_URL: database.url };
  const processes: ServiceProcess[] = [];
  const nginx = new NginxProxy(
    mkdtempSync(join(tmpdir(), 'bench-nginx-')),
    nginxPort,
    `http://127.0.0.1:${catalogPort}`,
  );
  const proxies = [nginx];
  const children: ChildProcess[] = [];
  try {
    await ServiceProcess.run('catalog', 'seed', catalogEnv, logDirectory);
    const catalog = new ServiceProcess({ app: 'catalog', env: catalogEnv, logDirectory });
    processes.push(catalog);
    await catalog.start();
    // Bound now: a port chosen and left free could be handed to a gateway started below.
    await nginx.start();
    const gateway = async (
      label: string,
      cacheTtlMs: number,
      upstream = catalog.baseUrl,
      extraEnv: Record<string, string> = {},
    ) => {
      const port = await freePort();
      const process_ = new ServiceProcess({
        app: 'gateway',
        logDirectory,
        // Its other upstreams are not needed for a public product read.
        readyPath: '/health/live',
        env: {
          ...common,
          PORT: String(port),
          CATALOG_SERVICE_URL: upstream,
          PRODUCT_CACHE_TTL_MS: String(cacheTtlMs),
          RATE_LIMIT_PER_ADDRESS: '1000000000',
          ...extraEnv,
        },
      });
      processes.push(process_);
      await process_.start();
      process.stderr.write(`[bench] gateway (${label}) on ${process_.baseUrl}\n`);
      return process_;
    };
    const uncached = await gateway('no cache', 1);
    const lean = await gateway(
      'no cache, request log off',
      1,
      catalog.baseUrl,
      WITHOUT_REQUEST_LOG,
    );
    const cached = await gateway('product cache on', 5_000);
    const products = (await (await fetch(`${catalog.baseUrl}/products?limit=1`)).json()) as {
      items: { id: string }[];
    };
    const id = products.items[0]?.id;
    if (!id) throw new Error('the seeded catalog is empty');

    const product = `/products/${id}`;
    // Direct, nginx, the gateway as deployed, the gateway without its request log.
    const compared = (
      upstream: Target,
      gateways: [ServiceProcess, ServiceProcess],
      proxy: NginxProxy,
    ) => [
      upstream,
      { target: 'through nginx', url: `http://127.0.0.1:${proxy.port}${product}`, pid: proxy.pid },
      {
        target: 'through the gateway, no cache',
        url: `${gateways[0].baseUrl}/api/v1${product}`,
        pid: gateways[0].pid,
      },
      {
        target: 'through the gateway, no cache, request log off',
        url: `${gateways[1].baseUrl}/api/v1${product}`,
        pid: gateways[1].pid,
      },
    ];
    const onCatalog = compared(
      { target: 'catalog, direct', url: `${catalog.baseUrl}${product}`, pid: catalog.pid },
      [uncached, lean],
      nginx,
    );
    const real = await measureInRounds([
      ...onCatalog,
      {
        target: 'through the gateway, product cache on',
        url: `${cached.baseUrl}/api/v1${product}`,
        pid: cached.pid,
      },
    ]);
    const realAlone = await measureAloneInRounds(onCatalog);

    // The same read from a static upstream: the recorded answers, served from memory.
    const answers = {
      [`/products/${id}`]: await (await fetch(`${catalog.baseUrl}/products/${id}`)).text(),
      '/docs-json': await (await fetch(`${catalog.baseUrl}/docs-json`)).text(),
    };
    const answersPath = join(logDirectory, 'static-answers.json');
    writeFileSync(answersPath, JSON.stringify(answers));
    const [staticPort, staticNginxPort] = (await freePorts(2)) as [number, number];
    const staticUpstream = spawn(
      process.execPath,
      [join(__dirname, 'static-upstream.cjs'), String(staticPort), answersPath],
      { stdio: 'inherit' },
    );
    children.push(staticUpstream);
    const staticUrl = `http://127.0.0.1:${staticPort}`;
    await waitUntilUp(`${staticUrl}/health/live`);
    await catalog.stop();
    const staticNginx = new NginxProxy(
      mkdtempSync(join(tmpdir(), 'bench-nginx-')),
      staticNginxPort,
      staticUrl,
    );
    proxies.push(staticNginx);
    await staticNginx.start();
    const staticGateway = await gateway('no cache, static upstream', 1, staticUrl);
    const staticLean = await gateway(
      'no cache, request log off, static upstream',
      1,
      staticUrl,
      WITHOUT_REQUEST_LOG,
    );
    const onStatic = compared(
      { target: 'static upstream, direct', url: `${staticUrl}${product}`, pid: staticUpstream.pid },
      [staticGateway, staticLean],
      staticNginx,
    );
    const isolated = await measureInRounds(onStatic);
    const reportPath = join(root, 'bench', 'gateway-report.md');
    mkdirSync(join(root, 'bench'), { recursive: true });
    const staticAlone = await measureAloneInRounds(onStatic);
    writeFileSync(reportPath, report(real, isolated, realAlone, staticAlone));
    process.stderr.write(`[bench] service logs of this run: ${logDirectory}\n`);
    process.stderr.write(`[bench] report written to ${reportPath}\n`);
  } finally {
    await Promise.all(proxies.map((proxy) => proxy.stop()));
    for (const child of children) child.kill('SIGTERM');
    await Promise.all(processes.map((process_) => process_.stop()));
    await database.drop();
    if (process.env['CI'] === 'true') await down();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `benchmark failed: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
