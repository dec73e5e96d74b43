import {
  freePortsFor,
  ServiceProcess,
  TestKafkaNamespace,
  TestMongoDatabase,
  TestPostgresDatabase,
} from '@shop/testing';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ADMIN = {
  email: 'admin@shop.test',
  password: 'a long passphrase for the shop operator',
};
export const CUSTOMER = {
  email: 'demo@shop.test',
  password: 'correct horse battery staple',
};

/**
 * The four services behind the gateway, each as its own process on its own
 * databases and topic prefix, migrated and seeded as a deploy would do it.
 */
export class ServicesUnderTest {
  readonly kafka = new TestKafkaNamespace('gateway-e2e');
  readonly logDirectory = mkdtempSync(join(tmpdir(), 'gateway-e2e-'));
  readonly processes = new Map<string, ServiceProcess>();
  private readonly databases: { drop(): Promise<void> }[] = [];

  url(app: string): string {
    return (this.processes.get(app) as ServiceProcess).baseUrl;
  }

  process(app: string): ServiceProcess {
    return this.processes.get(app) as ServiceProcess;
  }

  async start(): Promise<void> {
    const [users, orders, payments] = await Promise.all(
      ['gateway-e2e-users', 'gateway-e2e-orders', 'gateway-e2e-payments'].map((label) =>
        TestPostgresDatabase.create(label),
      ),
    );
    const catalog = TestMongoDatabase.create('gateway-e2e-catalog');
    this.databases.push(
      users as TestPostgresDatabase,
      orders as TestPostgresDatabase,
      payments as TestPostgresDatabase,
      catalog,
    );
    // Held together while chosen: two free ports asked for in a row may be the same one.
    const ports = await freePortsFor(['user', 'catalog', 'order', 'payment']);
    const userUrl = `http://127.0.0.1:${ports.user}`;
    const common = {
      NODE_ENV: 'test',
      KAFKA_BROKERS: this.kafka.brokers.join(','),
      KAFKA_TOPIC_PREFIX: this.kafka.prefix,
      AUTH_JWKS_URL: `${userUrl}/.well-known/jwks.json`,
      AUTH_ISSUER: userUrl,
      AUTH_AUDIENCE: 'shop',
    };
    const env: Record<string, Record<string, string>> = {
      user: {
        ...common,
        PORT: String(ports.user),
        USER_DATABASE_URL: (users as TestPostgresDatabase).url,
        TRUST_PROXY: 'loopback',
        ADMIN_EMAIL: ADMIN.email,
        ADMIN_PASSWORD: ADMIN.password,
        DEMO_CUSTOMER_EMAIL: CUSTOMER.email,
        DEMO_CUSTOMER_PASSWORD: CUSTOMER.password,
      },
      catalog: { ...common, PORT: String(ports.catalog), CATALOG_MONGODB_URL: catalog.url },
      payment: {
        ...common,
        PORT: String(ports.payment),
        PAYMENT_DATABASE_URL: (payments as TestPostgresDatabase).url,
      },
      order: {
        ...common,
        PORT: String(ports.order),
        ORDER_DATABASE_URL: (orders as TestPostgresDatabase).url,
        USER_SERVICE_URL: userUrl,
        CATALOG_SERVICE_URL: `http://127.0.0.1:${ports.catalog}`,
        SAGA_STEP_TIMEOUT_MS: '5000',
      },
    };
    await Promise.all([
      ServiceProcess.run(
        'user',
        'migrate',
        env['user'] as Record<string, string>,
        this.logDirectory,
      ),
      ServiceProcess.run(
        'order',
        'migrate',
        env['order'] as Record<string, string>,
        this.logDirectory,
      ),
      ServiceProcess.run(
        'payment',
        'migrate',
        env['payment'] as Record<string, string>,
        this.logDirectory,
      ),
      ServiceProcess.run(
        'catalog',
        'seed',
        env['catalog'] as Record<string, string>,
        this.logDirectory,
      ),
    ]);
    for (const app of ['user', 'catalog', 'payment', 'order']) {
      this.processes.set(
        app,
        new ServiceProcess({
          app,
          env: env[app] as Record<string, string>,
          logDirectory: this.logDirectory,
        }),
      );
    }
    // The user service first: the others verify tokens against its JWKS.
    await this.process('user').start();
    await Promise.all(['catalog', 'payment', 'order'].map((app) => this.process(app).start()));
  }

  async stop(): Promise<void> {
    await Promise.all([...this.processes.values()].map((process) => process.stop()));
    await Promise.all(this.databases.map((database) => database.drop()));
    await this.kafka.cleanup();
  }
}
