import { context, propagation, trace } from '@opentelemetry/api';
import { type NodeSDK } from '@opentelemetry/sdk-node';
import { instrumentationNames, startTracing } from '../src/tracing';

describe('startTracing', () => {
  const saved = { ...process.env };
  let sdk: NodeSDK | undefined;

  afterEach(async () => {
    await sdk?.shutdown();
    sdk = undefined;
    trace.disable();
    context.disable();
    propagation.disable();
    process.env = { ...saved };
  });

  /** The trace id a new span gets; undefined for the API's no-op span (all zeros). */
  const traceIdOfNewSpan = (): string | undefined => {
    const { traceId } = trace.getTracer('test').startSpan('probe').spanContext();
    return /^0+$/.test(traceId) ? undefined : traceId;
  };

  it('with onlyWhenExporting and no exporter, starts nothing: spans are the API’s no-ops', () => {
    delete process.env['OTEL_EXPORTER_OTLP_ENDPOINT'];
    delete process.env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'];
    delete process.env['OTEL_TRACES_EXPORTER'];

    sdk = startTracing('gateway', { onlyWhenExporting: true });

    expect(sdk).toBeUndefined();
    expect(traceIdOfNewSpan()).toBeUndefined();
  });

  it('without onlyWhenExporting and no exporter, spans still get ids (for logs and propagation)', () => {
    delete process.env['OTEL_EXPORTER_OTLP_ENDPOINT'];
    delete process.env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'];
    delete process.env['OTEL_TRACES_EXPORTER'];

    sdk = startTracing('catalog');

    expect(sdk).toBeDefined();
    expect(traceIdOfNewSpan()).toMatch(/^[0-9a-f]{32}$/);
  });

  it('with onlyWhenExporting and an exporter named, starts the SDK: spans are recorded', () => {
    // (The OTLP exporter loads its transport with a dynamic import Jest's VM refuses; the
    // export over OTLP itself is shown by tools/e2e's observability suite.)
    process.env['OTEL_TRACES_EXPORTER'] = 'console';

    sdk = startTracing('gateway', { onlyWhenExporting: true });
    const span = trace.getTracer('test').startSpan('probe'); // never ended: nothing printed

    expect(sdk).toBeDefined();
    expect(span.isRecording()).toBe(true);
  });

  it('instruments databases and frameworks only when spans are recorded; HTTP always (it carries the context)', () => {
    expect(instrumentationNames({ recording: false })).toEqual(['http', 'undici']);
    expect(instrumentationNames({ recording: true })).toEqual([
      'http',
      'undici',
      'pg',
      'mongodb',
      'ioredis',
      'express',
      'nestjs-core',
    ]);
    expect(instrumentationNames({ recording: true, without: ['nestjs-core', 'pg'] })).not.toEqual(
      expect.arrayContaining(['nestjs-core']),
    );
    expect(instrumentationNames({ recording: true, without: ['pg'] })).not.toContain('pg');
  });
});
