import 'reflect-metadata';
import { Body, Controller, Get, Logger, Param, Post } from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { Logger as PinoNestLogger } from 'nestjs-pino';
import { Registry } from 'prom-client';
import {
  FastifyRequestObservability,
  LoggingModule,
  MetricsModule,
  withRequestLogFields,
} from '../src';
import { Lines } from './support/lines';

@Controller()
class ThingsController {
  private readonly logger = new Logger('Things');

  @Get('things/:id')
  async find(@Param('id') id: string): Promise<{ id: string }> {
    await new Promise((resolve) => setTimeout(resolve, 5));
    this.logger.log({ msg: 'looked a thing up', id, password: 'hunter2' });
    return { id };
  }

  @Post('things')
  create(@Body() body: { name: string }): { name: string } {
    this.logger.log({ msg: 'made a thing', name: body.name });
    return body;
  }

  @Get('slow')
  async slow(): Promise<{ done: boolean }> {
    await new Promise((resolve) => setTimeout(resolve, 300));
    return { done: true };
  }

  @Get('broken')
  broken(): never {
    throw new Error('the database went away');
  }

  @Get('health/live')
  live(): { status: string } {
    return { status: 'ok' };
  }
}

describe('FastifyRequestObservability (request log and metrics from Fastify hooks, a real server)', () => {
  const lines = new Lines();
  let app: NestFastifyApplication;
  let baseUrl: string;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        LoggingModule.forService('probe', { level: 'info' }, lines, 'hooks'),
        MetricsModule.forService('probe', 'hooks'),
      ],
      controllers: [ThingsController],
      providers: [FastifyRequestObservability],
    }).compile();
    app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), {
      bufferLogs: true,
    });
    app.useLogger(app.get(PinoNestLogger));
    const fastify = app.getHttpAdapter().getInstance();
    app.get(FastifyRequestObservability).register(fastify);
    // An app's own hook adding fields (as the gateway adds the trace it carries itself).
    fastify.addHook('onRequest', (request, _reply, done) => {
      const tag = request.headers['x-test-tag'];
      if (typeof tag === 'string') withRequestLogFields(request, { tag }, done);
      else done();
    });
    await app.listen(0, '127.0.0.1');
    baseUrl = await app.getUrl();
  });

  afterAll(() => app?.close());

  it('writes one line per request, and gives every line of the request its id', async () => {
    const response = await fetch(`${baseUrl}/things/7`, {
      headers: { 'x-request-id': 'req-7.a:b', authorization: 'Bearer eyJ.secret.token' },
    });
    expect(response.headers.get('x-request-id')).toBe('req-7.a:b');

    const ofRequest = lines.parsed.filter((line) => line['requestId'] === 'req-7.a:b');
    expect(ofRequest).toEqual([
      expect.objectContaining({ service: 'probe', msg: 'looked a thing up', id: '7' }),
      expect.objectContaining({
        service: 'probe',
        level: 'info',
        msg: 'GET /things/7 200',
        req: { method: 'GET', url: '/things/7', remoteAddress: expect.any(String) },
        res: { statusCode: 200 },
        durationMs: expect.any(Number),
      }),
    ]);
    // The lines written by the app are still redacted; the request line carries no headers.
    expect(ofRequest[0]).toMatchObject({ password: '[Redacted]' });
    expect(lines.written.join('\n')).not.toContain('eyJ.secret.token');
  });

  it('keeps the request id on lines written after the body was read', async () => {
    const response = await fetch(`${baseUrl}/things`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'lamp' }),
    });
    const id = response.headers.get('x-request-id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(
      lines.parsed.filter((line) => line['requestId'] === id).map((line) => line['msg']),
    ).toEqual(['made a thing', 'POST /things 201']);
  });

  it('replaces a malformed request id, and writes the line of a failed request at error', async () => {
    const response = await fetch(`${baseUrl}/broken`, {
      headers: { 'x-request-id': 'has spaces {"injected":true}' },
    });
    expect(response.status).toBe(500);
    const id = response.headers.get('x-request-id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(lines.parsed.find((line) => line['requestId'] === id && line['req'])).toMatchObject({
      level: 'error',
      msg: 'GET /broken 500',
    });
  });

  it('writes a line for a request whose client went away before the answer', async () => {
    await expect(
      fetch(`${baseUrl}/slow`, {
        headers: { 'x-request-id': 'req-gone' },
        signal: AbortSignal.timeout(50),
      }),
    ).rejects.toThrow();
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(lines.parsed.filter((line) => line['requestId'] === 'req-gone')).toEqual([
      expect.objectContaining({
        level: 'warn',
        aborted: true,
        msg: 'GET /slow aborted by the client',
      }),
    ]);
  });

  it('writes no line for probes, and counts every request under its route pattern', async () => {
    await fetch(`${baseUrl}/health/live?probe=1`);
    await fetch(`${baseUrl}/things/8`);
    await fetch(`${baseUrl}/nowhere/at/all`);
    const requestLines = lines.parsed.filter((line) => line['req'] !== undefined);
    expect(requestLines.some((line) => String(line['msg']).includes('/health'))).toBe(false);
    expect(requestLines.some((line) => line['msg'] === 'GET /things/8 200')).toBe(true);

    const registry = app.get(Registry);
    /** The value of one series: `series` is the metric's name, or a histogram's `…_count`. */
    const count = async (metric: string, series: string, labels: Record<string, string>) => {
      const { values } = (await registry.getSingleMetric(metric)?.get()) ?? { values: [] };
      const match = values.find(
        (entry) =>
          ('metricName' in entry ? entry.metricName : metric) === series &&
          Object.entries(labels).every(([key, value]) => String(entry.labels[key]) === value),
      );
      return match?.value ?? 0;
    };
    expect(
      await count('http_requests_total', 'http_requests_total', {
        route: '/things/:id',
        status: '200',
      }),
    ).toBe(2);
    expect(
      await count('http_requests_total', 'http_requests_total', {
        route: '/health/live',
        status: '200',
      }),
    ).toBe(1);
    // No route: one label for all such requests, never the URL.
    expect(
      await count('http_requests_total', 'http_requests_total', {
        route: 'unmatched',
        status: '404',
      }),
    ).toBe(1);
    expect(
      await count('http_request_duration_seconds', 'http_request_duration_seconds_count', {
        method: 'POST',
        route: '/things',
        status: '201',
      }),
    ).toBe(1);
  });

  it('adds the fields an app’s own hook gives to the request line and to the lines written in it', async () => {
    const response = await fetch(`${baseUrl}/things/8`, { headers: { 'x-test-tag': 'blue' } });
    const id = response.headers.get('x-request-id');

    const ofRequest = lines.parsed.filter((line) => line['requestId'] === id);
    expect(ofRequest.map((line) => [line['msg'], line['tag']])).toEqual([
      ['looked a thing up', 'blue'],
      ['GET /things/8 200', 'blue'],
    ]);
    // Not on other requests' lines.
    await fetch(`${baseUrl}/things/9`);
    expect(lines.parsed.find((line) => line['msg'] === 'GET /things/9 200')).not.toHaveProperty(
      'tag',
    );
  });
});
