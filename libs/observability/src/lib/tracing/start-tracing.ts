import { type Instrumentation } from '@opentelemetry/instrumentation';
import { ExpressInstrumentation } from '@opentelemetry/instrumentation-express';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { MongoDBInstrumentation } from '@opentelemetry/instrumentation-mongodb';
import { NestInstrumentation } from '@opentelemetry/instrumentation-nestjs-core';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { NodeSDK } from '@opentelemetry/sdk-node';
import {
  AlwaysOffSampler,
  NoopSpanProcessor,
  ParentBasedSampler,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';

const QUIET_PATHS = /^\/(health|metrics)(\/|\?|$)/;

/**
 * The instrumentations the services use, each named and configured here
 * rather than the auto-instrumentations bundle: that one loads some forty
 * packages into every process (about 10 MiB of RSS an app, measured) to
 * patch libraries the services do not have. Kafka spans are libs/messaging's
 * own (the relay sends long after the request that wrote the message), trace
 * ids reach pino through the logger's mixin.
 */
const INSTRUMENTATIONS = {
  http: () =>
    new HttpInstrumentation({
      ignoreIncomingRequestHook: (request) => QUIET_PATHS.test(request.url ?? ''),
      // Calls made outside any request (health checks of upstreams, document refreshes,
      // the JWKS) would each start a trace of their own every few seconds.
      requireParentforOutgoingSpans: true,
    }),
  undici: () => new UndiciInstrumentation({ requireParentforSpans: true }),
  // Database spans only inside a trace: the outbox relay's polling would start thousands.
  pg: () => new PgInstrumentation({ requireParentSpan: true }),
  mongodb: () => new MongoDBInstrumentation({ requireParentSpan: true }),
  ioredis: () => new IORedisInstrumentation({ requireParentSpan: true }),
  // Middleware layers would add a span each to every request.
  express: () => new ExpressInstrumentation({ ignoreLayersType: ['middleware' as never] }),
  'nestjs-core': () => new NestInstrumentation(),
} satisfies Record<string, () => Instrumentation>;

export type InstrumentationName = keyof typeof INSTRUMENTATIONS;

/**
 * What a service runs when nothing records its spans: the HTTP client and
 * server, which carry the trace context in and out (so logs keep their trace
 * ids and the context reaches the next service). The database and framework
 * instrumentations would only make spans nobody records: measured under
 * order load, the pg and mongodb ones were 3.5–4.7 % of the apps' CPU (the
 * mongodb one serializes every command into a statement string first).
 */
const PROPAGATING: readonly InstrumentationName[] = ['http', 'undici'];

/** The instrumentations a service runs: all when its spans are recorded, else PROPAGATING; less `without`. */
export function instrumentationNames(options: {
  recording: boolean;
  without?: readonly InstrumentationName[];
}): InstrumentationName[] {
  return (Object.keys(INSTRUMENTATIONS) as InstrumentationName[])
    .filter((name) => options.recording || PROPAGATING.includes(name))
    .filter((name) => !options.without?.includes(name));
}

export interface StartTracingOptions {
  /** Where spans go; by default OTLP when `OTEL_EXPORTER_OTLP_ENDPOINT` is set, nowhere otherwise. */
  spanProcessors?: SpanProcessor[];
  /**
   * Instrumentations this service does without, e.g. `['nestjs-core']` for the gateway,
   * whose every request passes the same layers: a span per layer, recorded or not, costs
   * CPU on the hot path and tells nothing the server span does not.
   */
  without?: InstrumentationName[];
  /**
   * Start the SDK only when spans are exported. For a service that propagates
   * W3C trace context itself when no span is active (the gateway): without an
   * exporter, its non-recording spans and the instrumentations' patches cost
   * CPU on every request and record nothing.
   */
  onlyWhenExporting?: boolean;
}

/**
 * OpenTelemetry for one service. Call it before anything else is imported
 * (each app's `instrumentation.ts`, imported first by main.ts): the
 * instrumentations (INSTRUMENTATIONS) patch http, express, Nest, pg, mongodb,
 * undici and ioredis as they load.
 *
 * Spans always get ids, so logs carry trace ids and the trace context
 * travels over HTTP and Kafka; they are recorded and exported over OTLP only
 * when `OTEL_EXPORTER_OTLP_ENDPOINT` (or `..._TRACES_ENDPOINT`) is set, with
 * the protocol, headers and sampler of the standard `OTEL_*` variables.
 * Otherwise a trace that starts here is not recorded at all (ParentBased,
 * root AlwaysOff): a fraction of a recording span's cost, and only the HTTP
 * instrumentations run (PROPAGATING). `OTEL_SDK_DISABLED=true` turns it all
 * off.
 */
export function startTracing(
  serviceName: string,
  options: StartTracingOptions = {},
): NodeSDK | undefined {
  const env = process.env;
  if (env['OTEL_SDK_DISABLED'] === 'true') return undefined;
  // `${OTEL_EXPORTER_OTLP_ENDPOINT:-}` in compose yields an empty value: that means "off".
  for (const name of ['OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT']) {
    if (env[name] === '') delete env[name];
  }
  // An OTLP endpoint, or another exporter named (console, zipkin): spans are recorded and sent.
  const namedExporter = env['OTEL_TRACES_EXPORTER'];
  const exporting =
    Boolean(env['OTEL_EXPORTER_OTLP_ENDPOINT'] ?? env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT']) ||
    (Boolean(namedExporter) && namedExporter !== 'none');
  if (options.onlyWhenExporting && !exporting && !options.spanProcessors) return undefined;
  const recording = exporting || Boolean(options.spanProcessors);
  // Metrics go through prom-client's /metrics, logs through pino: the SDK handles traces only.
  env['OTEL_METRICS_EXPORTER'] ??= 'none';
  env['OTEL_LOGS_EXPORTER'] ??= 'none';
  const sdk = new NodeSDK({
    serviceName: env['OTEL_SERVICE_NAME'] ?? serviceName,
    // Without an exporter, new traces are not recorded: their spans are the SDK's cheap
    // non-recording kind, which still get ids, so logs carry them and the context still
    // travels. A caller's sampled trace stays sampled (ParentBased), for services further on
    // that do export. (The SDK registers its tracer only with a processor: one that drops all.)
    ...(options.spanProcessors
      ? { spanProcessors: options.spanProcessors }
      : exporting
        ? {}
        : {
            spanProcessors: [new NoopSpanProcessor()],
            sampler: new ParentBasedSampler({ root: new AlwaysOffSampler() }),
          }),
    instrumentations: instrumentationNames({
      recording,
      ...(options.without ? { without: options.without } : {}),
    }).map((name) => INSTRUMENTATIONS[name]()),
  });
  sdk.start();
  // Spans still buffered at shutdown are flushed by ObservabilityModule (Nest's shutdown hooks).
  return sdk;
}
