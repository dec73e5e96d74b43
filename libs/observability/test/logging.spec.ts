import 'reflect-metadata';
import { Controller, Get, type INestApplication, Logger, Param } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { trace } from '@opentelemetry/api';
import { node, tracing } from '@opentelemetry/sdk-node';
import { Logger as PinoNestLogger } from 'nestjs-pino';
import { type AddressInfo } from 'node:net';
import { createServiceLogger, LoggingModule, withLogContext } from '../src';
import { Lines } from './support/lines';

// A real tracer provider (in memory): the logger takes trace ids from the active span.
const provider = new node.NodeTracerProvider({
  spanProcessors: [new tracing.SimpleSpanProcessor(new tracing.InMemorySpanExporter())],
});
provider.register();

@Controller('things')
class ThingsController {
  private readonly logger = new Logger('Things');

  @Get(':id')
  find(@Param('id') id: string): { id: string } {
    this.logger.log({
      msg: 'looked a thing up',
      id,
      password: 'hunter2',
      body: { refreshToken: 'rt-secret', nested: { paymentMethodToken: 'tok_visa' } },
    });
    return { id };
  }
}

describe('LoggingModule (pino through Nest, a real HTTP server)', () => {
  const lines = new Lines();
  let app: INestApplication;
  let baseUrl: string;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [LoggingModule.forService('probe', { level: 'info' }, lines)],
      controllers: [ThingsController],
    }).compile();
    app = moduleRef.createNestApplication({ bufferLogs: true });
    app.useLogger(app.get(PinoNestLogger));
    await app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await app?.close();
    await provider.shutdown();
  });

  it('writes JSON lines with the service and the request id, on every line of the request', async () => {
    const response = await fetch(`${baseUrl}/things/7`, {
      headers: { 'x-request-id': 'req-7.a:b', authorization: 'Bearer eyJ.secret.token' },
    });
    expect(response.headers.get('x-request-id')).toBe('req-7.a:b');

    const ofRequest = lines.parsed.filter((line) => line['requestId'] === 'req-7.a:b');
    expect(ofRequest).toEqual([
      expect.objectContaining({
        service: 'probe',
        level: 'info',
        msg: 'looked a thing up',
        id: '7',
      }),
      expect.objectContaining({
        service: 'probe',
        level: 'info',
        msg: 'GET /things/7 200',
        req: { method: 'GET', url: '/things/7', remoteAddress: expect.any(String) },
        res: { statusCode: 200 },
        durationMs: expect.any(Number),
      }),
    ]);
  });

  it('never writes credentials: headers are not logged, secrets in objects are redacted', async () => {
    await fetch(`${baseUrl}/things/8`, {
      headers: { authorization: 'Bearer eyJ.secret.token', cookie: 'session=s3cr3t' },
    });
    const line = lines.parsed.find(
      (entry) => entry['msg'] === 'looked a thing up' && entry['id'] === '8',
    );
    expect(line).toMatchObject({
      password: '[Redacted]',
      body: { refreshToken: '[Redacted]', nested: { paymentMethodToken: '[Redacted]' } },
    });
    const everything = lines.written.join('\n');
    for (const secret of ['eyJ.secret.token', 's3cr3t', 'hunter2', 'rt-secret', 'tok_visa']) {
      expect(everything).not.toContain(secret);
    }
  });

  it('replaces a malformed request id with its own', async () => {
    const response = await fetch(`${baseUrl}/things/9`, {
      headers: { 'x-request-id': 'has spaces {"injected":true}' },
    });
    const id = response.headers.get('x-request-id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(lines.parsed.filter((line) => line['requestId'] === id)).toHaveLength(2);
  });
});

describe('createServiceLogger outside requests', () => {
  it('adds the active span’s trace and span ids and the unit of work’s fields', () => {
    const lines = new Lines();
    const logger = createServiceLogger('order', { level: 'info' }, lines);
    trace.getTracer('test').startActiveSpan('process order.saga-replies', (active) => {
      withLogContext({ orderId: 'order-1', messageId: 'message-1' }, () => {
        logger.info('reply handled');
      });
      active.end();
      const line = lines.parsed[0];
      expect(line).toMatchObject({
        service: 'order',
        msg: 'reply handled',
        orderId: 'order-1',
        messageId: 'message-1',
        trace_id: active.spanContext().traceId,
        span_id: active.spanContext().spanId,
      });
    });
    logger.info('after');
    expect(lines.parsed[1]).not.toHaveProperty('trace_id');
    expect(lines.parsed[1]).not.toHaveProperty('orderId');
  });
});
