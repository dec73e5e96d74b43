import { parseMessage, Topics } from '@shop/contracts';
import {
  freePort,
  ServiceProcess,
  TestKafkaNamespace,
  TestPostgresDatabase,
  TestTokenIssuer,
} from '@shop/testing';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { ORDER_MIGRATIONS } from '../src/infrastructure/persistence/order-migrations';
import { ScriptedParticipants } from './support/scripted-participants';
import { StubUpstreams } from './support/stub-upstreams';
import { waitFor } from './support/wait-for';

const customer = uuidv7();
const product = uuidv7();
const ALL_EFFECTS = [
  'payment authorized 2500 EUR',
  'payment captured',
  'stock committed',
  'stock reserved',
];

describe('order service killed mid-saga (kill -9, real PostgreSQL and Kafka)', () => {
  const kafka = new TestKafkaNamespace('order-crash');
  const upstreams = new StubUpstreams();
  const participants = new ScriptedParticipants(kafka);
  let database: TestPostgresDatabase;
  let tokens: TestTokenIssuer;
  let order: ServiceProcess;
  let token: string;

  beforeAll(async () => {
    database = await TestPostgresDatabase.create('order-crash');
    const migrator = await new DataSource({
      type: 'postgres',
      url: database.url,
      migrations: ORDER_MIGRATIONS,
    }).initialize();
    await migrator.runMigrations();
    await migrator.destroy();
    tokens = await TestTokenIssuer.start();
    const upstreamUrl = await upstreams.start();
    upstreams.customers.add(customer);
    upstreams.products.set(product, {
      id: product,
      sku: 'LAMP-1',
      name: 'Desk lamp',
      price: { amount: 2_500, currency: 'EUR' },
    });
    order = new ServiceProcess({
      app: 'order',
      env: {
        NODE_ENV: 'test',
        PORT: String(await freePort()),
        ORDER_DATABASE_URL: database.url,
        KAFKA_BROKERS: kafka.brokers.join(','),
        KAFKA_TOPIC_PREFIX: kafka.prefix,
        AUTH_JWKS_URL: tokens.jwksUrl,
        AUTH_ISSUER: tokens.issuer,
        AUTH_AUDIENCE: tokens.audience,
        USER_SERVICE_URL: upstreamUrl,
        CATALOG_SERVICE_URL: upstreamUrl,
        SAGA_STEP_TIMEOUT_MS: '3000',
        SAGA_DEADLINE_POLL_MS: '250',
        // The killed process's consumer is dropped from the group after this.
        KAFKA_SESSION_TIMEOUT_MS: '6000',
      },
      logDirectory: mkdtempSync(join(tmpdir(), 'order-crash-')),
    });
    await order.start();
    await participants.start();
    token = await tokens.issue({ sub: customer, roles: ['customer'] });
  });

  afterAll(async () => {
    await participants.stop();
    await order?.stop();
    await upstreams.stop();
    await tokens?.stop();
    await database?.drop();
    await kafka.cleanup();
  });

  const place = async (): Promise<string> => {
    const response = await fetch(`${order.baseUrl}/orders`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        'idempotency-key': uuidv7(),
      },
      body: JSON.stringify({
        items: [{ productId: product, quantity: 1 }],
        paymentMethod: { token: 'tok_visa' },
        shippingAddress: {
          recipient: 'Ada',
          line1: '1 Main St',
          city: 'Paris',
          postalCode: '75001',
          country: 'FR',
        },
      }),
    });
    expect(response.status).toBe(202);
    return ((await response.json()) as { orderId: string }).orderId;
  };

  const approvedAndCompleted = (orderId: string) =>
    waitFor(
      `order ${orderId} to complete`,
      async () => {
        const response = await fetch(`${order.baseUrl}/orders/${orderId}`, {
          headers: { authorization: `Bearer ${token}` },
        });
        const body = (await response.json()) as { status: string; saga: { status: string } | null };
        return body.status === 'APPROVED' && body.saga?.status === 'COMPLETED' ? body : undefined;
      },
      60_000,
    );

  /** Distinct OrderApproved events per order on order.events (the relay may publish one twice; its id is the same). */
  const approvalsPerOrder = async (orderIds: string[]): Promise<Map<string, number>> => {
    const seen = new Map<string, Set<string>>();
    const consumer = kafka.client.consumer({ groupId: kafka.groupId(`events-${uuidv7()}`) });
    await consumer.connect();
    try {
      await consumer.subscribe({ topic: kafka.topic(Topics.orderEvents), fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ message }) => {
          const { envelope } = parseMessage(message.value);
          if (envelope.type !== 'order.OrderApproved.v1') return;
          const ids = seen.get(envelope.correlationId) ?? new Set<string>();
          ids.add(envelope.id);
          seen.set(envelope.correlationId, ids);
        },
      });
      await waitFor('every approval event', async () =>
        orderIds.every((id) => seen.has(id)) ? true : undefined,
      );
    } finally {
      await consumer.disconnect();
    }
    return new Map(orderIds.map((id) => [id, seen.get(id)?.size ?? 0]));
  };

  it('killed while a step awaits its reply: restarted, it picks the reply up and finishes the saga once', async () => {
    participants.holdAll(true);
    const orderId = await place();
    await waitFor('the reservation command', async () =>
      participants.commandsFor(orderId).includes('catalog.ReserveStock.v1') ? true : undefined,
    );
    await order.kill();
    // The reply arrives while the orchestrator is dead: it waits in Kafka.
    participants.holdAll(false);
    await participants.release(orderId);
    await order.start();

    await approvedAndCompleted(orderId);
    expect(participants.effectsFor(orderId)).toEqual(ALL_EFFECTS);
    expect((await approvalsPerOrder([orderId])).get(orderId)).toBe(1);
  });

  it('killed in the middle of a burst of orders: every saga completes, each order approved once', async () => {
    const orderIds = await Promise.all(Array.from({ length: 6 }, () => place()));
    await order.kill();
    await order.start();

    for (const orderId of orderIds) {
      await approvedAndCompleted(orderId);
      expect(participants.effectsFor(orderId)).toEqual(ALL_EFFECTS);
    }
    const approvals = await approvalsPerOrder(orderIds);
    expect([...approvals.values()]).toEqual(orderIds.map(() => 1));
  });
});
