// `npm run bench:gateway`: the same upstream read measured directly, through
// the gateway and through nginx as a reverse proxy, side by side in one run;
// writes bench/gateway-report.md. A report, never a timed test.
import { down, settingsToEnv, up } from '@shop/infra';
import { freePort, ServiceProcess, TestMongoDatabase, uniqueName } from '@shop/testing';
import autocannon, { type Result } from 'autocannon';
import { type ChildProcess, spawn } from 'node:child_process';
import { Agent, get } from 'node:http';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { cpuTicksOfTree, describeMachine, TICKS_PER_SECOND } from './machine';
import { NginxProxy } from './nginx-proxy';

const root = resolve(__dirname, '../../..');
const DURATION_SECONDS = Number(process.env['BENCH_DURATION_SECONDS'] ?? 15);
const CONNECTIONS = Number(process.env['BENCH_CONNECTIONS'] ?? 32);
const ALONE_SECONDS = 8;

interface Row {
  target: string;
  url: string;
  result: Result;
  /** CPU time the front process (and its children) spent per answered request. */
  cpuMicrosPerRequest: number | undefined;
}

// What the observability work adds to each request, kept apart in its own rows:
// no spans, and the request log at warn (no line per request).
const WITHOUT_TRACING_AND_REQUEST_LOG = { OTEL_SDK_DISABLED: 'true', LOG_LEVEL: 'warn' };

/** Measures `url`; `pid` is the process that answers first (direct server, nginx, gateway). */
async function measure(target: string, url: string, pid: number | undefined): Promise<Row> {
  process.stderr.write(
    `[bench] ${target}: warm-up, then ${DURATION_SECONDS} s at ${CONNECTIONS} connections\n`,
  );
  await autocannon({ url, connections: CONNECTIONS, duration: 3 });
  const ticksBefore = pid === undefined ? undefined : cpuTicksOfTree(pid);
  const result = await autocannon({ url, connections: CONNECTIONS, duration: DURATION_SECONDS });
  const ticksAfter = pid === undefined ? undefined : cpuTicksOfTree(pid);
  const answered = result.requests.total;
  const cpuMicrosPerRequest =
    ticksBefore === undefined || ticksAfter === undefined || answered === 0
      ? undefined
      : Math.round((((ticksAfter - ticksBefore) / TICKS_PER_SECOND) * 1e6) / answered);
  // A stray socket timeout under load is noise; more than 1% failed requests invalidates the run.
  const failed = result.non2xx + result.errors;
  if (failed > result.requests.total / 100) {
    throw new Error(
      `${target}: ${result.non2xx} non-2xx answers and ${result.errors} errors in ${result.requests.total} requests; the run is not valid`,
    );
  }
  return { target, url, result, cpuMicrosPerRequest };
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
  const line = ({ target, result, cpuMicrosPerRequest }: Row) =>
    `| ${target} | ${Math.round(result.requests.average)} | ${result.latency.p50} | ${result.latency.p99} | ${(result.requests.average / nginx.result.requests.average).toFixed(2)} | ${cpuMicrosPerRequest ?? '-'} | ${result.non2xx + result.errors} |`;
  const added = (row: Row, percentile: 'p50' | 'p99') =>
    row.result.latency[percentile] - direct.result.latency[percentile];
  const ratio = gateway.result.requests.average / nginx.result.requests.average;
  return {
    text: `| target | requests/s | p50 ms | p99 ms | throughput vs nginx | CPU µs/request | failed |
|---|---|---|---|---|---|---|
${rows.map(line).join('\n')}`,
    ratio,
    addedP50: added(gateway, 'p50'),
    addedP99: added(gateway, 'p99'),
    nginxP50: added(nginx, 'p50'),
    nginxP99: added(nginx, 'p99'),
  };
}

interface LatencyRow {
  target: string;
  /** Milliseconds, sorted. */
  samples: number[];
}

/** One keep-alive connection, one request at a time, timed with the monotonic clock. */
async function measureAlone(target: string, url: string): Promise<LatencyRow> {
  process.stderr.write(`[bench] ${target}: one connection, ${ALONE_SECONDS} s\n`);
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const once = () =>
    new Promise<number>((resolve, reject) => {
      const started = process.hrtime.bigint();
      get(url, { agent }, (response) => {
        response.on('data', () => undefined);
        response.on('end', () => {
          if (response.statusCode !== 200) reject(new Error(`${target}: ${response.statusCode}`));
          else resolve(Number(process.hrtime.bigint() - started) / 1e6);
        });
      }).on('error', reject);
    });
  try {
    for (let warm = 0; warm < 500; warm += 1) await once();
    const samples: number[] = [];
    const until = Date.now() + ALONE_SECONDS * 1_000;
    while (Date.now() < until) samples.push(await once());
    return { target, samples: samples.sort((a, b) => a - b) };
  } finally {
    agent.destroy();
  }
}

const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

function latencyTable(rows: LatencyRow[]): string {
  const direct = rows[0] as LatencyRow;
  const line = ({ target, samples }: LatencyRow) =>
    `| ${target} | ${samples.length} | ${percentile(samples, 50).toFixed(2)} | ${percentile(samples, 99).toFixed(2)} | ${(percentile(samples, 50) - percentile(direct.samples, 50)).toFixed(2)} |`;
  return `| target | requests | p50 ms | p99 ms | added p50 ms |
|---|---|---|---|---|
${rows.map(line).join('\n')}`;
}

function aloneVerdict(rows: LatencyRow[]): string {
  const [direct, nginx, gateway, lean] = rows as [LatencyRow, LatencyRow, LatencyRow, LatencyRow];
  const added = (row: LatencyRow) => percentile(row.samples, 50) - percentile(direct.samples, 50);
  const met = (row: LatencyRow) => (added(row) <= 1 ? 'met' : 'not met');
  return `- one connection, static upstream: the gateway adds ${added(gateway).toFixed(2)} ms to the p50 (target ≤ 1 ms: ${met(gateway)}; tracing and request log off: ${added(lean).toFixed(2)} ms, ${met(lean)}), nginx ${added(nginx).toFixed(2)} ms`;
}

function report(real: Row[], isolated: Row[], alone: LatencyRow[], notes: string[]): string {
  const onCatalog = table(real);
  const onStatic = table(isolated);
  const verdict = (name: string, t: ReturnType<typeof table>) =>
    `- ${name}: gateway **${t.ratio.toFixed(2)}×** nginx's throughput (target ≥ 0.80: ${t.ratio >= 0.8 ? 'met' : 'not met'}); added latency over the direct read p50 ${t.addedP50} ms (nginx ${t.nginxP50} ms; target ≤ 1 ms: ${t.addedP50 <= 1 ? 'met' : 'not met'}), p99 ${t.addedP99} ms (nginx ${t.nginxP99} ms)`;
  return `# Gateway benchmark

\`npm run bench:gateway\` on ${new Date().toISOString().slice(0, 10)}: \`GET\` of one product, the same
catalog read, measured directly on the catalog service, through nginx as a
reverse proxy and through the gateway, one after the other in one run
(autocannon, ${CONNECTIONS} connections, ${DURATION_SECONDS} s each after a 3 s warm-up). The
load generator, the proxy and the catalog share the machine's cores, as they
would on one host; absolute numbers say more about this machine than about
the code, the ratios are the point. *CPU µs/request* is the CPU time of
the process that answers first (the server itself, nginx, or the gateway;
not what is behind it) per request: it depends much less than requests/s on
what else the machine runs at the time.

## Machine

${describeMachine()}

## Results

### 1. The real catalog (MongoDB-wire server behind it)

${onCatalog.text}

### 2. A static upstream (recorded catalog answers served from memory)

The same read with the database out of the picture: what the proxies themselves cost.

${onStatic.text}

### 3. Added latency without queueing (static upstream, one connection)

At 32 connections the p50 is mostly waiting for a core; one request at a
time on one keep-alive connection (timed here, to the microsecond) shows
what each hop adds by itself.

${latencyTable(alone)}

## Verdict

${verdict('real catalog', onCatalog)}
${verdict('static upstream', onStatic)}
${aloneVerdict(alone)}

The gateway rows without cache do all of the edge work on every request
(route table, per-address rate limit, OpenAPI validation of the request,
security headers, request id, metrics, resilient upstream call with its
breaker and bulkhead); the first runs as deployed (OpenTelemetry spans and
a JSON request log line per request, when the observability work is in the
build), the row *tracing and request log off* runs with
\`OTEL_SDK_DISABLED=true LOG_LEVEL=warn\`; the cached row is what a public
product read costs when the short product cache answers.

${notes.map((note) => `- ${note}`).join('\n')}
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
  const catalogPort = await freePort();
  const catalogEnv = { ...common, PORT: String(catalogPort), CATALOG_MONGODB_URL: database.url };
  const processes: ServiceProcess[] = [];
  const nginx = new NginxProxy(
    mkdtempSync(join(tmpdir(), 'bench-nginx-')),
    await freePort(),
    `http://127.0.0.1:${catalogPort}`,
  );
  const proxies = [nginx];
  const children: ChildProcess[] = [];
  try {
    await ServiceProcess.run('catalog', 'seed', catalogEnv, logDirectory);
    const catalog = new ServiceProcess({ app: 'catalog', env: catalogEnv, logDirectory });
    processes.push(catalog);
    await catalog.start();
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
      'no cache, tracing and request log off',
      1,
      catalog.baseUrl,
      WITHOUT_TRACING_AND_REQUEST_LOG,
    );
    const cached = await gateway('product cache on', 5_000);
    await nginx.start();
    const products = (await (await fetch(`${catalog.baseUrl}/products?limit=1`)).json()) as {
      items: { id: string }[];
    };
    const id = products.items[0]?.id;
    if (!id) throw new Error('the seeded catalog is empty');

    const real = [
      await measure('catalog, direct', `${catalog.baseUrl}/products/${id}`, catalog.pid),
      await measure('through nginx', `http://127.0.0.1:${nginx.port}/products/${id}`, nginx.pid),
      await measure(
        'through the gateway, no cache',
        `${uncached.baseUrl}/api/v1/products/${id}`,
        uncached.pid,
      ),
      await measure(
        'through the gateway, no cache, tracing and request log off',
        `${lean.baseUrl}/api/v1/products/${id}`,
        lean.pid,
      ),
      await measure(
        'through the gateway, product cache on',
        `${cached.baseUrl}/api/v1/products/${id}`,
        cached.pid,
      ),
    ];

    // The same read from a static upstream: the recorded answers, served from memory.
    const answers = {
      [`/products/${id}`]: await (await fetch(`${catalog.baseUrl}/products/${id}`)).text(),
      '/docs-json': await (await fetch(`${catalog.baseUrl}/docs-json`)).text(),
    };
    const answersPath = join(logDirectory, 'static-answers.json');
    writeFileSync(answersPath, JSON.stringify(answers));
    const staticPort = await freePort();
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
      await freePort(),
      staticUrl,
    );
    proxies.push(staticNginx);
    await staticNginx.start();
    const staticGateway = await gateway('no cache, static upstream', 1, staticUrl);
    const staticLean = await gateway(
      'no cache, tracing and request log off, static upstream',
      1,
      staticUrl,
      WITHOUT_TRACING_AND_REQUEST_LOG,
    );
    const isolated = [
      await measure('static upstream, direct', `${staticUrl}/products/${id}`, staticUpstream.pid),
      await measure(
        'through nginx',
        `http://127.0.0.1:${staticNginx.port}/products/${id}`,
        staticNginx.pid,
      ),
      await measure(
        'through the gateway, no cache',
        `${staticGateway.baseUrl}/api/v1/products/${id}`,
        staticGateway.pid,
      ),
      await measure(
        'through the gateway, no cache, tracing and request log off',
        `${staticLean.baseUrl}/api/v1/products/${id}`,
        staticLean.pid,
      ),
    ];
    const reportPath = join(root, 'bench', 'gateway-report.md');
    mkdirSync(join(root, 'bench'), { recursive: true });
    const alone = [
      await measureAlone('static upstream, direct', `${staticUrl}/products/${id}`),
      await measureAlone('through nginx', `http://127.0.0.1:${staticNginx.port}/products/${id}`),
      await measureAlone(
        'through the gateway, no cache',
        `${staticGateway.baseUrl}/api/v1/products/${id}`,
      ),
      await measureAlone(
        'through the gateway, no cache, tracing and request log off',
        `${staticLean.baseUrl}/api/v1/products/${id}`,
      ),
    ];
    writeFileSync(reportPath, report(real, isolated, alone, []));
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
