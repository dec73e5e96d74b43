import { APP_NAMES, type AppName } from '@shop/demo';
import { type OrderView as Order, ShopClient } from '@shop/drills';
import { type CollectedSpan, OtlpTraceCollector } from '@shop/testing';
import { dashboardMetricNames, SHOP_OVERVIEW_DASHBOARD_PATH } from '@shop/workspace';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CUSTOMER, type IsolatedSystem, startIsolatedSystem } from './support/isolated-system';

const address = {
  recipient: 'Grace Hopper',
  line1: '1 Navy Yard',
  city: 'Arlington',
  postalCode: '22202',
  country: 'US',
};

const SERVER = 2;
const CONSUMER = 5;

/**
 * Operating the shop: one order, placed through the gateway with every app its
 * own process exporting spans over OTLP (to an in-memory collector here, as
 * to the OpenTelemetry Collector in docker compose), then its trace, its log
 * lines and every app's /metrics.
 */
describe('observability end to end (five processes, OTLP traces, JSON logs, /metrics)', () => {
  let shop: IsolatedSystem;
  let collector: OtlpTraceCollector;
  let customer: ShopClient;
  const requestId = `obs-e2e-${randomUUID()}`;
  let orderId: string;
  let traceId: string;

  beforeAll(async () => {
    collector = await OtlpTraceCollector.start();
    // Every app exports its spans to the collector and logs at info.
    const telemetry: Record<string, string> = { ...collector.exporterEnv(), LOG_LEVEL: 'info' };
    const appEnv: Partial<Record<AppName, Record<string, string>>> = {};
    for (const app of APP_NAMES) appEnv[app] = telemetry;
    shop = await startIsolatedSystem('observability-e2e', { appEnv });
    customer = new ShopClient(shop.gatewayUrl);
    await customer.logIn(CUSTOMER.email, CUSTOMER.password);
    const { body } = await customer.call('GET', '/api/v1/products?limit=50');
    const product = (body as { items: { id: string; available: number }[] }).items.find(
      ({ available }) => available >= 5,
    );
    expect(product).toBeDefined();

    const placed = await customer.call(
      'POST',
      '/api/v1/orders',
      {
        items: [{ productId: product?.id, quantity: 1 }],
        paymentMethod: { token: 'tok_visa' },
        shippingAddress: address,
      },
      { 'idempotency-key': randomUUID(), 'x-request-id': requestId },
    );
    expect(placed.status).toBe(202);
    orderId = (placed.body as { orderId: string }).orderId;
    for (let attempt = 0; ; attempt += 1) {
      const order = (await customer.call('GET', `/api/v1/orders/${orderId}`)).body as Order;
      if (order.saga?.status === 'COMPLETED') break;
      if (attempt > 240)
        throw new Error(`order ${orderId} did not complete: ${JSON.stringify(order)}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  });

  afterAll(async () => {
    await shop?.stop();
    await collector?.stop();
  });

  /** Spans arrive in batches a moment after they end. */
  const eventually = async <T>(probe: () => T, accept: (value: T) => boolean): Promise<T> => {
    for (let attempt = 0; ; attempt += 1) {
      const value = probe();
      if (accept(value)) return value;
      if (attempt > 150) return value;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  };

  it('gives the order one trace, with spans from the gateway, order, catalog and payment', async () => {
    // The gateway's server span for the request that placed the order starts the trace.
    const [entry] = await eventually(
      () =>
        collector.spans.filter(
          (span) =>
            span.service === 'gateway' &&
            span.kind === SERVER &&
            span.attributes['http.request.method'] === 'POST' &&
            String(span.attributes['url.path']).endsWith('/api/v1/orders'),
        ),
      (found) => found.length > 0,
    );
    expect(entry).toBeDefined();
    traceId = (entry as CollectedSpan).traceId;
    expect(entry?.parentSpanId).toBeUndefined();

    // The saga's last step is the catalog committing the stock: wait for the whole chain.
    const spans = await eventually(
      () => collector.trace(traceId),
      (found) =>
        ['catalog.commands', 'payment.commands', 'order.saga-replies'].every((topic) =>
          found.some((span) => span.name === `process ${topic}`),
        ) && found.filter((span) => span.name === 'process catalog.commands').length >= 2,
    );
    const services = new Set(spans.map((span) => span.service));
    for (const service of ['gateway', 'order', 'catalog', 'payment'])
      expect(services).toContain(service);

    // Each hop hangs under the one before: the trace is one tree, rooted at the gateway.
    const ids = new Set(spans.map((span) => span.spanId));
    const orphans = spans.filter((span) => span.parentSpanId && !ids.has(span.parentSpanId));
    expect(orphans.map((span) => `${span.service}: ${span.name}`)).toEqual([]);
    expect(spans.filter((span) => !span.parentSpanId)).toEqual([entry]);

    // Kafka consumers, each in its service, carrying the order as the conversation.
    const consumers = spans.filter((span) => span.kind === CONSUMER);
    expect(new Set(consumers.map((span) => `${span.service} ${span.name}`))).toEqual(
      new Set([
        'catalog process catalog.commands',
        'payment process payment.commands',
        'order process order.saga-replies',
      ]),
    );
    for (const span of consumers) {
      expect(span.attributes['messaging.message.conversation_id']).toBe(orderId);
    }
    // Database spans: PostgreSQL in the order service, MongoDB in the catalog.
    expect(
      spans.some(
        (span) => span.service === 'order' && span.attributes['db.system.name'] === 'postgresql',
      ),
    ).toBe(true);
    expect(
      spans.some(
        (span) => span.service === 'catalog' && span.attributes['db.system.name'] === 'mongodb',
      ),
    ).toBe(true);
  });

  it('writes log lines that carry the request id, the trace id and the order id', () => {
    const lines = (app: AppName) =>
      readFileSync(join(shop.logDirectory, `${app}.log`), 'utf8')
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>);

    // The request, at the gateway and at the order service it was forwarded to.
    for (const app of ['gateway', 'order'] as const) {
      const placed = lines(app).find(
        (line) => line['requestId'] === requestId && String(line['msg']).startsWith('POST '),
      );
      expect(placed).toMatchObject({ service: app, trace_id: traceId, res: { statusCode: 202 } });
    }
    // The saga's messages, in each service that handled one.
    for (const app of ['order', 'catalog', 'payment'] as const) {
      const handled = lines(app).filter(
        (line) => line['msg'] === 'message handled' && line['orderId'] === orderId,
      );
      expect(handled.length).toBeGreaterThan(0);
      for (const line of handled) {
        expect(line).toMatchObject({ service: app, trace_id: traceId, correlationId: orderId });
      }
    }
  });

  it('exposes on every app’s /metrics the RED, saga, outbox, consumer and DLQ metrics', async () => {
    const metricsOf = async (app: AppName) =>
      (await fetch(`${shop.system.urls[app]}/metrics`)).text();
    const declared = (text: string) =>
      new Set([...text.matchAll(/^# TYPE (\S+) /gm)].map((match) => match[1] as string));
    const common = [
      'http_requests_total',
      'http_request_duration_seconds',
      'process_cpu_seconds_total',
    ];
    const messaging = [
      'outbox_backlog_messages',
      'outbox_oldest_unsent_age_seconds',
      'messages_consumed_total',
      'dead_letter_messages_total',
      'kafka_consumer_lag_messages',
    ];
    const expected: Record<AppName, string[]> = {
      gateway: common,
      user: [...common, 'outbox_backlog_messages', 'outbox_oldest_unsent_age_seconds'],
      catalog: [...common, ...messaging],
      payment: [...common, ...messaging, 'payment_provider_call_duration_seconds'],
      order: [
        ...common,
        ...messaging,
        'saga_started_total',
        'saga_ended_total',
        'saga_duration_seconds',
      ],
    };
    const exposed = new Set<string>();
    for (const app of APP_NAMES) {
      const text = await metricsOf(app);
      const names = declared(text);
      expect({ app, missing: expected[app].filter((name) => !names.has(name)) }).toEqual({
        app,
        missing: [],
      });
      // Series names as Prometheus stores them (a histogram's _bucket, _sum, _count), declared
      // even before a first sample (a counter of dead letters that never had to count).
      for (const [, name, type] of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
        const suffixes = type === 'histogram' ? ['_bucket', '_sum', '_count'] : [''];
        for (const suffix of suffixes) exposed.add(`${name}${suffix}`);
      }
    }
    // The provisioned Grafana dashboard asks only for series the apps really expose.
    const wanted = await dashboardMetricNames(SHOP_OVERVIEW_DASHBOARD_PATH);
    expect(wanted.length).toBeGreaterThan(10);
    expect(wanted.filter((name) => !exposed.has(name))).toEqual([]);
    const order = await metricsOf('order');
    expect(order).toMatch(/^saga_ended_total\{[^}]*outcome="completed"[^}]*\} [1-9]/m);
  });
});
