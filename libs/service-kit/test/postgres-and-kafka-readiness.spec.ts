import 'reflect-metadata';
import { type DynamicModule, type INestApplication, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { MessagingHealth } from '@shop/messaging';
import { HealthModule } from '@shop/observability';
import { TestPostgresDatabase } from '@shop/testing';
import { type AddressInfo } from 'node:net';
import { DataSource } from 'typeorm';
import { postgresAndKafkaReadiness } from '../src/typeorm';

/** Kafka's side of readiness as the test sets it (the real check: libs/messaging's readiness test). */
class StandInMessagingHealth {
  outage: Error | undefined;
  consumerState: 'joining' | 'joined' = 'joined';

  async check(): Promise<void> {
    if (this.outage) throw this.outage;
  }

  async consumer(): Promise<{ state: 'joining' | 'joined' }> {
    return { state: this.consumerState };
  }
}

/** What a service's root module provides globally: its DataSource and the messaging runtime's health. */
@Module({})
class ServiceDependencies {
  static of(dataSource: DataSource, messaging: StandInMessagingHealth): DynamicModule {
    return {
      module: ServiceDependencies,
      global: true,
      providers: [
        { provide: DataSource, useValue: dataSource },
        { provide: MessagingHealth, useValue: messaging },
      ],
      exports: [DataSource, MessagingHealth],
    };
  }
}

describe('postgresAndKafkaReadiness (real PostgreSQL, Kafka as the test sets it)', () => {
  const kafka = new StandInMessagingHealth();
  let database: TestPostgresDatabase;
  let dataSource: DataSource;
  let app: INestApplication;
  let readyUrl: string;

  beforeAll(async () => {
    database = await TestPostgresDatabase.create('service-kit-readiness');
    dataSource = await new DataSource({ type: 'postgres', url: database.url }).initialize();
    const moduleRef = await Test.createTestingModule({
      imports: [
        ServiceDependencies.of(dataSource, kafka),
        HealthModule.forChecks(postgresAndKafkaReadiness()),
      ],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.listen(0, '127.0.0.1');
    readyUrl = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}/health/ready`;
  });

  afterAll(async () => {
    await app?.close();
    if (dataSource?.isInitialized) await dataSource.destroy();
    await database?.drop();
  });

  const ready = async () => {
    const response = await fetch(readyUrl);
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  it('is ready while the database and Kafka both answer', async () => {
    expect(await ready()).toEqual({
      status: 200,
      body: { status: 'ok', checks: { database: 'up', kafka: 'up', consumer: 'joined' } },
    });
  });

  it('stays ready while the consumer is still joining its group, and says so', async () => {
    kafka.consumerState = 'joining';
    try {
      expect(await ready()).toEqual({
        status: 200,
        body: { status: 'ok', checks: { database: 'up', kafka: 'up', consumer: 'joining' } },
      });
    } finally {
      kafka.consumerState = 'joined';
    }
  });

  it('is unready, naming Kafka alone, while Kafka does not answer', async () => {
    kafka.outage = new Error('no broker answers');
    try {
      expect(await ready()).toMatchObject({
        status: 503,
        // What is down; why (a host, a driver's message) goes to the log, not to the caller.
        body: { message: 'kafka: down' },
      });
    } finally {
      kafka.outage = undefined;
    }
    expect((await ready()).status).toBe(200);
  });

  it('is unready, naming the database alone, once the database is gone', async () => {
    await dataSource.destroy();

    const unready = await ready();
    expect(unready.status).toBe(503);
    expect(String(unready.body['message'])).toMatch(/^database: /);
    expect(String(unready.body['message'])).not.toContain('kafka');
  });
});
