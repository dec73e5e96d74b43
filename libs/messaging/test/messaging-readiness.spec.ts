import 'reflect-metadata';
import { type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { ProblemDetailsFilter } from '@shop/http';
import { HealthModule } from '@shop/observability';
import { DisposableKafkaBroker } from '@shop/testing';
import { type AddressInfo } from 'node:net';
import { connectMessaging, MessagingHealth, MessagingModule } from '../src';
import { eventually, MessagingTestBed } from './support/messaging-test-bed';

/**
 * `/health/ready` as a service wires it (database and Kafka), on a broker of
 * the test's own that it stops and starts again.
 */
describe('readiness follows Kafka (real PostgreSQL, a disposable broker)', () => {
  const bed = new MessagingTestBed('messaging-readiness');
  let broker: DisposableKafkaBroker;
  let app: INestApplication;
  let readyUrl: string;

  beforeAll(async () => {
    await bed.setUp();
    broker = await DisposableKafkaBroker.start();
    const moduleRef = await Test.createTestingModule({
      imports: [
        MessagingModule.forRootAsync({
          useFactory: () => ({
            service: 'payment',
            brokers: broker.brokers,
            dataSource: bed.dataSource,
            relay: { pollIntervalMs: 200 },
          }),
        }),
        HealthModule.forChecks({
          inject: [MessagingHealth],
          useFactory: (messaging: MessagingHealth) => ({
            database: () => bed.dataSource.query('SELECT 1'),
            kafka: () => messaging.check(),
          }),
        }),
      ],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    app.useGlobalFilters(new ProblemDetailsFilter(app.getHttpAdapter()));
    connectMessaging(app);
    await app.init();
    await app.startAllMicroservices();
    await app.listen(0, '127.0.0.1');
    readyUrl = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}/health/ready`;
  });

  afterAll(async () => {
    await app?.close();
    await broker?.destroy();
    await bed.tearDown();
  });

  const ready = async () => {
    const response = await fetch(readyUrl);
    return {
      status: response.status,
      type: response.headers.get('content-type'),
      body: (await response.json()) as Record<string, unknown>,
    };
  };

  it('is ready with both up, 503 naming Kafka while the broker is down, ready again after', async () => {
    expect(await ready()).toMatchObject({
      status: 200,
      body: { status: 'ok', checks: { database: 'up', kafka: 'up' } },
    });

    await broker.kill();
    const down = await eventually(ready, ({ status }) => status === 503);
    expect(down.type).toMatch(/^application\/problem\+json/);
    expect(String(down.body['detail'])).toMatch(/^kafka: /);
    expect(String(down.body['detail'])).not.toContain('database');

    await broker.resume();
    const back = await eventually(ready, ({ status }) => status === 200, 60_000);
    expect(back.body).toMatchObject({ checks: { database: 'up', kafka: 'up' } });
  });
});
