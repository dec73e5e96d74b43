import 'reflect-metadata';
import { Controller, Get, type INestApplication, NotFoundException, Param } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { type AddressInfo } from 'node:net';
import { MetricsModule } from '../src';

@Controller('things')
class ThingsController {
  @Get(':id')
  find(@Param('id') id: string): { id: string } {
    if (id === 'missing') throw new NotFoundException();
    return { id };
  }
}

describe('MetricsModule (a real Nest HTTP server)', () => {
  let app: INestApplication;
  let baseUrl: string;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [MetricsModule.forService('probe')],
      controllers: [ThingsController],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  });

  afterAll(() => app?.close());

  it('counts requests by route pattern and status, and exposes process metrics', async () => {
    await fetch(`${baseUrl}/things/1`);
    await fetch(`${baseUrl}/things/2`);
    await fetch(`${baseUrl}/things/missing`);
    await fetch(`${baseUrl}/nowhere/at/all`);

    const response = await fetch(`${baseUrl}/metrics`);
    const text = await response.text();

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(text).toContain(
      'http_requests_total{method="GET",route="/things/:id",status="200",service="probe"} 2',
    );
    expect(text).toContain(
      'http_requests_total{method="GET",route="/things/:id",status="404",service="probe"} 1',
    );
    expect(text).toContain(
      'http_requests_total{method="GET",route="unmatched",status="404",service="probe"} 1',
    );
    expect(text).toMatch(
      /http_request_duration_seconds_count\{[^}]*route="\/things\/:id",status="200"[^}]*\} 2/,
    );
    expect(text).toContain('process_cpu_user_seconds_total{service="probe"}');
    expect(text).not.toContain('/things/1');
  });
});
