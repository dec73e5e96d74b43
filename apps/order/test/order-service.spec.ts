import 'reflect-metadata';
import { type INestApplication } from '@nestjs/common';
import {
  AuthorizePaymentSucceededV1,
  DeadLetterHeaders,
  ReserveStockSucceededV1,
  parseMessage,
  Topics,
} from '@shop/contracts';
import { InvalidConfigurationError, startService } from '@shop/service-kit';
import { TestKafkaNamespace, TestPostgresDatabase, TestTokenIssuer } from '@shop/testing';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { loadOrderConfig } from '../src/config/order-config';
import { ORDER_MIGRATIONS } from '../src/infrastructure/persistence/order-migrations';
import { createOrderApp } from '../src/order-app';
import { OUT_OF_STOCK_PRODUCT, ScriptedParticipants } from './support/scripted-participants';
import { StubUpstreams } from './support/stub-upstreams';
import { waitFor } from './support/wait-for';

const committedOpenApi = join(__dirname, '..', 'openapi.json');
const customer = uuidv7();
const otherCustomer = uuidv7();
const admin = uuidv7();
const keyboard = uuidv7();
const mouse = uuidv7();
const address = {
  recipient: 'Ada Lovelace',
  line1: '12 St James Square',
  city: 'London',
  postalCode: 'SW1Y 4JH',
  country: 'GB',
};

interface Answer {
  status: number;
  headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON answers are inspected freely in tests
  body: any;
}

describe('order service and the CreateOrder saga (real PostgreSQL and Kafka; participants played over Kafka)', () => {
  const kafka = new TestKafkaNamespace('order-service');
  const upstreams = new StubUpstreams();
  const participants = new ScriptedParticipants(kafka);
  let database: TestPostgresDatabase;
  let dataSource: DataSource;
  let tokens: TestTokenIssuer;
  let app: INestApplication;
  let baseUrl: string;
  const token: Record<string, string> = {};

  beforeAll(async () => {
    database = await TestPostgresDatabase.create('order-service');
    dataSource = await new DataSource({
      type: 'postgres',
      url: database.url,
      migrations: ORDER_MIGRATIONS,
    }).initialize();
    await dataSource.runMigrations();
    tokens = await TestTokenIssuer.start();
    const upstreamUrl = await upstreams.start();
    upstreams.customers.add(customer).add(otherCustomer);
    upstreams.products.set(keyboard, {
      id: keyboard,
      sku: 'KB-1',
      name: 'Keyboard',
      price: { amount: 4_999, currency: 'EUR' },
    });
    upstreams.products.set(mouse, {
      id: mouse,
      sku: 'MS-1',
      name: 'Mouse',
      price: { amount: 1_950, currency: 'EUR' },
    });
    upstreams.products.set(OUT_OF_STOCK_PRODUCT, {
      id: OUT_OF_STOCK_PRODUCT,
      sku: 'GONE-1',
      name: 'Sold out',
      price: { amount: 100, currency: 'EUR' },
    });
    app = await createOrderApp(
      loadOrderConfig({
        NODE_ENV: 'test',
        ORDER_DATABASE_URL: database.url,
        KAFKA_BROKERS: kafka.brokers.join(','),
        KAFKA_TOPIC_PREFIX: kafka.prefix,
        AUTH_JWKS_URL: tokens.jwksUrl,
        AUTH_ISSUER: tokens.issuer,
        AUTH_AUDIENCE: tokens.audience,
        USER_SERVICE_URL: upstreamUrl,
        CATALOG_SERVICE_URL: upstreamUrl,
        UPSTREAM_TIMEOUT_MS: '500',
        UPSTREAM_RETRIES: '1',
        UPSTREAM_BREAKER_RESET_MS: '500',
        SAGA_STEP_TIMEOUT_MS: '3000',
        SAGA_MAX_RESENDS: '1',
        SAGA_DEADLINE_POLL_MS: '200',
      }),
    );
    await startService(app, { port: 0, host: '127.0.0.1' });
    baseUrl = await app.getUrl();
    await participants.start();
    token['customer'] = await tokens.issue({ sub: customer, roles: ['customer'] });
    token['other'] = await tokens.issue({ sub: otherCustomer, roles: ['customer'] });
    token['admin'] = await tokens.issue({ sub: admin, roles: ['admin'] });
  });

  afterAll(async () => {
    await participants.stop();
    await app?.close();
    await dataSource?.destroy();
    await upstreams.stop();
    await tokens?.stop();
    await database?.drop();
    await kafka.cleanup();
  });

  const call = async (
    method: string,
    path: string,
    options: { as?: string; body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<Answer> => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(options.as ? { authorization: `Bearer ${token[options.as]}` } : {}),
        ...options.headers,
      },
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    });
    const text = await response.text();
    return {
      status: response.status,
      headers: response.headers,
      body: text ? JSON.parse(text) : undefined,
    };
  };

  const orderBody = (
    token = 'tok_visa',
    items = [
      { productId: keyboard, quantity: 2 },
      { productId: mouse, quantity: 1 },
    ],
  ) => ({
    items,
    paymentMethod: { token },
    shippingAddress: address,
  });

  const place = (body = orderBody(), key = uuidv7(), as = 'customer') =>
    call('POST', '/orders', { as, body, headers: { 'idempotency-key': key } });

  const finalOrder = (orderId: string, as = 'customer') =>
    waitFor(`order ${orderId} to end`, async () => {
      const { body } = await call('GET', `/orders/${orderId}`, { as });
      return body.status !== 'PENDING' &&
        ['COMPLETED', 'REJECTED', 'CANCELLED'].includes(body.saga?.status)
        ? body
        : undefined;
    });

  it('happy path: 202 PENDING at once, then APPROVED with one capture and the stock committed', async () => {
    const placed = await place();
    expect(placed.status).toBe(202);
    expect(placed.body).toEqual({ orderId: expect.any(String), status: 'PENDING' });
    expect(placed.headers.get('location')).toBe(`/orders/${placed.body.orderId}`);
    const { orderId } = placed.body;

    const order = await finalOrder(orderId);
    expect(order).toMatchObject({
      id: orderId,
      customerId: customer,
      status: 'APPROVED',
      reason: null,
      total: { amount: 2 * 4_999 + 1_950, currency: 'EUR' },
      items: [
        {
          productId: keyboard,
          sku: 'KB-1',
          quantity: 2,
          lineTotal: { amount: 9_998, currency: 'EUR' },
        },
        {
          productId: mouse,
          sku: 'MS-1',
          quantity: 1,
          unitPrice: { amount: 1_950, currency: 'EUR' },
        },
      ],
      shippingAddress: address,
      saga: { status: 'COMPLETED' },
    });
    const steps = order.saga.timeline.filter(
      (entry: { event: string }) => entry.event === 'step-succeeded',
    );
    expect(steps.map((entry: { step: string }) => entry.step)).toEqual([
      'reserveStock',
      'authorizePayment',
      'approveOrder',
      'capturePayment',
      'commitStock',
    ]);
    expect(participants.effectsFor(orderId)).toEqual([
      'payment authorized 11948 EUR',
      'payment captured',
      'stock committed',
      'stock reserved',
    ]);
  });

  it('publishes the order events through the outbox: placed, then approved', async () => {
    const { body } = await place();
    await finalOrder(body.orderId);
    const consumer = kafka.client.consumer({ groupId: kafka.groupId(`events-${uuidv7()}`) });
    const types: string[] = [];
    await consumer.connect();
    try {
      await consumer.subscribe({ topic: kafka.topic(Topics.orderEvents), fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ message }) => {
          const { envelope } = parseMessage(message.value);
          if (envelope.correlationId === body.orderId) types.push(envelope.type);
        },
      });
      await waitFor('OrderPlaced and OrderApproved', async () =>
        types.length >= 2 ? true : undefined,
      );
    } finally {
      await consumer.disconnect();
    }
    expect(types).toEqual(['order.OrderPlaced.v1', 'order.OrderApproved.v1']);
  });

  it('out of stock: REJECTED with the shortage, and no payment is ever asked for', async () => {
    const { body } = await place(
      orderBody('tok_visa', [
        { productId: keyboard, quantity: 1 },
        { productId: OUT_OF_STOCK_PRODUCT, quantity: 3 },
      ]),
    );
    const order = await finalOrder(body.orderId);
    expect(order.status).toBe('REJECTED');
    expect(order.reason).toBe(`out of stock: product ${OUT_OF_STOCK_PRODUCT} is short`);
    expect(participants.commandsFor(body.orderId)).toEqual(['catalog.ReserveStock.v1']);
    expect(participants.effectsFor(body.orderId)).toEqual([]);
  });

  it('payment declined: REJECTED, the stock is released, nothing is captured', async () => {
    const { body } = await place(orderBody('tok_decline'));
    const order = await finalOrder(body.orderId);
    expect(order).toMatchObject({
      status: 'REJECTED',
      reason: 'payment declined: the card was declined',
    });
    expect(participants.commandsFor(body.orderId)).toEqual([
      'catalog.ReserveStock.v1',
      'payment.AuthorizePayment.v1',
      'catalog.ReleaseStock.v1',
    ]);
    expect(participants.effectsFor(body.orderId)).toEqual([]);
  });

  it('participant timeout: the command is re-sent, then the saga gives up, voids, releases and rejects', async () => {
    const { body } = await place(orderBody('tok_timeout'));
    const order = await finalOrder(body.orderId);
    expect(order).toMatchObject({
      status: 'REJECTED',
      reason: 'authorizePayment did not answer in time',
    });
    expect(participants.commandsFor(body.orderId)).toEqual([
      'catalog.ReserveStock.v1',
      'payment.AuthorizePayment.v1',
      'payment.AuthorizePayment.v1',
      'payment.VoidPayment.v1',
      'catalog.ReleaseStock.v1',
    ]);
    const events = order.saga.timeline.map((entry: { event: string }) => entry.event);
    expect(events).toEqual(
      expect.arrayContaining(['command-resent', 'deadline-expired', 'rejected']),
    );
    expect(participants.effectsFor(body.orderId)).toEqual([]);
  });

  it('cancel while PENDING: the saga compensates and the order ends CANCELLED; a second cancel is refused', async () => {
    // Held before it is placed: its reservation could be answered before the test knows its id.
    participants.holdNextOrder();
    const orderId = await (async () => {
      const key = uuidv7();
      const placed = await place(orderBody('tok_visa'), key);
      return placed.body.orderId as string;
    })();
    await waitFor('the reservation to be asked for', async () =>
      participants.commandsFor(orderId).length > 0 ? true : undefined,
    );
    const cancelled = await call('POST', `/orders/${orderId}/cancel`, { as: 'customer' });
    expect(cancelled.status).toBe(202);
    expect(cancelled.body).toEqual({ orderId, status: 'PENDING' });
    await participants.release(orderId);

    const order = await finalOrder(orderId);
    expect(order).toMatchObject({ status: 'CANCELLED', reason: 'cancelled by the customer' });
    expect(participants.commandsFor(orderId)).toEqual([
      'catalog.ReserveStock.v1',
      'catalog.ReleaseStock.v1',
    ]);
    expect(participants.effectsFor(orderId)).toEqual([]);

    const again = await call('POST', `/orders/${orderId}/cancel`, { as: 'customer' });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ detail: 'the order is already CANCELLED' });
  });

  it('an APPROVED order cannot be cancelled: 409 problem+json saying why', async () => {
    const { body } = await place();
    await finalOrder(body.orderId);
    const refused = await call('POST', `/orders/${body.orderId}/cancel`, { as: 'customer' });
    expect(refused.status).toBe(409);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect(refused.body).toMatchObject({
      type: 'https://shop.example/problems/order-not-cancellable',
      detail: expect.stringContaining('can no longer be cancelled'),
    });
  });

  it('a repeated Idempotency-Key returns the first answer; with another body it is refused', async () => {
    const key = uuidv7();
    const first = await place(orderBody(), key);
    const second = await place(orderBody(), key);
    expect(second.status).toBe(202);
    expect(second.body).toEqual(first.body);
    expect(second.headers.get('idempotent-replayed')).toBe('true');

    const reused = await place(orderBody('tok_mastercard'), key);
    expect(reused.status).toBe(422);
    expect(reused.body.type).toBe('https://shop.example/problems/idempotency-key-reused');
  });

  it('concurrent requests with one Idempotency-Key place one order', async () => {
    const key = uuidv7();
    const answers = await Promise.all(Array.from({ length: 5 }, () => place(orderBody(), key)));
    expect(answers.map((answer) => answer.status)).toEqual([202, 202, 202, 202, 202]);
    expect(new Set(answers.map((answer) => answer.body.orderId)).size).toBe(1);
    const rows: { count: string }[] = await dataSource.query(
      'SELECT count(*) AS count FROM orders WHERE id = $1',
      [answers[0]?.body.orderId],
    );
    expect(rows[0]?.count).toBe('1');
  });

  it("someone else's order is 404; an admin may read it; lists show only one's own, page by page", async () => {
    const { body } = await place();
    expect((await call('GET', `/orders/${body.orderId}`, { as: 'other' })).status).toBe(404);
    expect((await call('POST', `/orders/${body.orderId}/cancel`, { as: 'other' })).status).toBe(
      404,
    );
    expect((await call('GET', `/orders/${body.orderId}`, { as: 'admin' })).body.id).toBe(
      body.orderId,
    );
    expect((await call('GET', `/orders/${uuidv7()}`, { as: 'customer' })).status).toBe(404);

    const otherOrder = await place(orderBody(), uuidv7(), 'other');
    const mine = await call('GET', '/orders?limit=2', { as: 'customer' });
    expect(mine.body.items).toHaveLength(2);
    expect(mine.body.items[0].id).toBe(body.orderId);
    expect(
      mine.body.items.every((order: { customerId: string }) => order.customerId === customer),
    ).toBe(true);
    const next = await call('GET', `/orders?limit=2&after=${mine.body.next}`, { as: 'customer' });
    expect(next.body.items[0].id < mine.body.items[1].id).toBe(true);
    const theirs = await call('GET', '/orders', { as: 'other' });
    expect(theirs.body.items.map((order: { id: string }) => order.id)).toEqual([
      otherOrder.body.orderId,
    ]);
  });

  it('refuses bad requests with problem+json naming the field, before any upstream call', async () => {
    const lookups = upstreams.lookups;
    const noKey = await call('POST', '/orders', { as: 'customer', body: orderBody() });
    expect(noKey.status).toBe(400);
    expect(JSON.stringify(noKey.body)).toContain('Idempotency-Key');

    const badQuantity = await place(orderBody('tok_visa', [{ productId: keyboard, quantity: 0 }]));
    expect(badQuantity.status).toBe(400);
    expect(JSON.stringify(badQuantity.body)).toContain('quantity');
    expect(upstreams.lookups).toBe(lookups);

    expect(
      (
        await call('POST', '/orders', {
          body: orderBody(),
          headers: { 'idempotency-key': uuidv7() },
        })
      ).status,
    ).toBe(401);

    const unknown = await place(orderBody('tok_visa', [{ productId: uuidv7(), quantity: 1 }]));
    expect(unknown.status).toBe(422);
    expect(unknown.body.type).toBe('https://shop.example/problems/unknown-products');
  });

  it('an upstream that is down answers a fast 503 problem, and no order is stored', async () => {
    const before: { count: string }[] = await dataSource.query(
      'SELECT count(*) AS count FROM orders',
    );
    upstreams.down();
    try {
      const refused = await place();
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBe('5');
      expect(refused.body).toMatchObject({
        type: 'https://shop.example/problems/upstream-unavailable',
      });
      expect(refused.body.detail).toContain('unavailable');
    } finally {
      upstreams.up();
    }
    const after: { count: string }[] = await dataSource.query(
      'SELECT count(*) AS count FROM orders',
    );
    expect(after[0]?.count).toBe(before[0]?.count);
    // The breaker closes again after its reset time: orders go through once the upstream is back.
    const placed = await waitFor('the upstream breaker to close', async () => {
      const answer = await place();
      return answer.status === 202 ? answer : undefined;
    });
    expect(placed.body.status).toBe('PENDING');
  });

  /** The reason the dead letter of message `id` on the replies' DLQ gives, once it is there. */
  const deadLetterReason = async (id: string): Promise<string | undefined> => {
    const consumer = kafka.client.consumer({ groupId: kafka.groupId(`dlq-${uuidv7()}`) });
    await consumer.connect();
    let reason: string | undefined;
    try {
      await consumer.subscribe({
        topic: `${kafka.topic(Topics.orderSagaReplies)}.dlq`,
        fromBeginning: true,
      });
      await consumer.run({
        eachMessage: async ({ message }) => {
          if (parseMessage(message.value).envelope.id === id) {
            reason = message.headers?.[DeadLetterHeaders.reason]?.toString();
          }
        },
      });
      await waitFor('the dead letter', async () => reason);
    } finally {
      await consumer.disconnect();
    }
    return reason;
  };

  it('a reply for a saga that does not exist goes to the dead-letter topic with the reason', async () => {
    const ghost = uuidv7();
    const sent = await participants.sendReply(AuthorizePaymentSucceededV1, {
      orderId: ghost,
      paymentId: uuidv7(),
      amount: { amount: 100, currency: 'EUR' },
    });

    expect(await deadLetterReason(sent.id)).toBe('non-retriable');
  });

  it('a reply that answers no command of its saga is dead-lettered; the saga waits for the real one', async () => {
    participants.holdNextOrder();
    const placed = await place(orderBody('tok_visa'));
    const orderId = placed.body.orderId as string;
    await waitFor('the reservation to be asked for', async () =>
      participants.commandsFor(orderId).length > 0 ? true : undefined,
    );
    // The right type for the saga's order, caused by nothing it sent (a forged or misrouted reply).
    const forged = await participants.sendReply(ReserveStockSucceededV1, {
      orderId,
      items: [
        { productId: keyboard, quantity: 2 },
        { productId: mouse, quantity: 1 },
      ],
    });
    const reason = await deadLetterReason(forged.id);
    const whileHeld = (await call('GET', `/orders/${orderId}`, { as: 'customer' })).body;
    await participants.release(orderId);

    expect(reason).toBe('non-retriable');
    expect(whileHeld.status).toBe('PENDING');
    expect(whileHeld.saga.timeline.map((entry: { event: string }) => entry.event)).not.toContain(
      'reply-received',
    );
    expect(await finalOrder(orderId)).toMatchObject({ status: 'APPROVED' });
  });

  it('exposes saga metrics on /metrics', async () => {
    const metrics = await fetch(`${baseUrl}/metrics`).then((response) => response.text());
    expect(metrics).toMatch(/saga_started_total\{[^}]*saga="CreateOrder"[^}]*\} [1-9]/);
    expect(metrics).toMatch(/saga_ended_total\{[^}]*outcome="completed"[^}]*\} [1-9]/);
    expect(metrics).toMatch(/saga_duration_seconds_count\{[^}]*outcome="rejected"[^}]*\} [1-9]/);
  });

  it('answers health probes', async () => {
    expect((await call('GET', '/health/live')).body).toEqual({ status: 'ok' });
    expect((await call('GET', '/health/ready')).body).toMatchObject({ status: 'ok' });
  });

  it('serves its OpenAPI document, as committed (UPDATE_OPENAPI=1 rewrites apps/order/openapi.json)', async () => {
    const served = await call('GET', '/docs-json');
    const rendered = `${JSON.stringify(served.body, null, 2)}\n`;
    if (process.env['UPDATE_OPENAPI'] === '1') writeFileSync(committedOpenApi, rendered);
    expect(Object.keys(served.body.paths)).toEqual(
      expect.arrayContaining(['/orders', '/orders/{id}', '/orders/{id}/cancel']),
    );
    expect(rendered).toBe(readFileSync(committedOpenApi, 'utf8'));
  });

  it('refuses to start with a bad configuration, naming every bad variable', () => {
    expect(() => loadOrderConfig({ SAGA_MAX_RESENDS: 'many' })).toThrow(InvalidConfigurationError);
    expect(() => loadOrderConfig({ SAGA_MAX_RESENDS: 'many' })).toThrow(
      /ORDER_DATABASE_URL.*KAFKA_BROKERS.*SAGA_MAX_RESENDS/,
    );
  });
});
