import 'reflect-metadata';
import { type INestApplication } from '@nestjs/common';
import {
  AuthorizePaymentV1,
  CapturePaymentV1,
  createMessage,
  headersOf,
  type MessageDefinition,
  type MessageEnvelope,
  parseMessage,
  RefundPaymentV1,
  Topics,
  VoidPaymentV1,
} from '@shop/contracts';
import { MessagingTransport, TypeormInbox } from '@shop/messaging';
import { InvalidConfigurationError, startService } from '@shop/service-kit';
import { TestKafkaNamespace, TestPostgresDatabase, TestTokenIssuer } from '@shop/testing';
import { type Consumer, Partitioners, type Producer } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource } from 'typeorm';
import {
  PaymentProviderRefusedError,
  PaymentProviderUnavailableError,
} from '../src/application/ports/payment-provider.errors';
import { ProviderCallPolicy } from '../src/application/provider-calls/provider-call.policy';
import { loadPaymentConfig } from '../src/config/payment-config';
import { PAYMENT_MIGRATIONS } from '../src/infrastructure/persistence/payment-migrations';
import { FakePaymentProvider } from '../src/infrastructure/provider/fake-payment.provider';
import { createPaymentApp } from '../src/payment-app';

const freePort = (): Promise<number> =>
  new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

/** Polls until `read()` satisfies `done` (no fixed sleeps: the suite shares two cores). */
async function eventually<T>(
  read: () => T | Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(50);
  }
}

type Envelope = MessageEnvelope<Record<string, unknown>>;

const committedOpenApi = join(__dirname, '..', 'openapi.json');
const amount = { amount: 4_250, currency: 'EUR' };

describe('payment service as a saga participant and over HTTP (real PostgreSQL and Kafka)', () => {
  const kafka = new TestKafkaNamespace('payment-service');
  let database: TestPostgresDatabase;
  let issuer: TestTokenIssuer;
  let app: INestApplication;
  let dataSource: DataSource;
  let baseUrl: string;
  let producer: Producer;
  let reader: Consumer;
  const received: { topic: string; envelope: Envelope }[] = [];

  beforeAll(async () => {
    database = await TestPostgresDatabase.create('payment-service');
    const migrator = new DataSource({
      type: 'postgres',
      url: database.url,
      migrations: PAYMENT_MIGRATIONS,
    });
    await migrator.initialize();
    await migrator.runMigrations();
    await migrator.destroy();
    issuer = await TestTokenIssuer.start({ issuer: 'http://localhost:3001', audience: 'shop' });
    // The order service owns the replies topic; here the test plays its part.
    await kafka.createTopics([{ name: Topics.orderSagaReplies, numPartitions: 3 }]);
    const port = await freePort();
    app = await createPaymentApp(
      loadPaymentConfig({
        PORT: String(port),
        PAYMENT_DATABASE_URL: database.url,
        KAFKA_BROKERS: kafka.brokers.join(','),
        KAFKA_TOPIC_PREFIX: kafka.prefix,
        AUTH_JWKS_URL: issuer.jwksUrl,
        PAYMENT_PROVIDER_TIMEOUT_MS: '300',
        PAYMENT_PROVIDER_MAX_ATTEMPTS: '2',
        PAYMENT_PROVIDER_RETRY_DELAY_MS: '10',
      }),
    );
    await startService(app, { port, host: '127.0.0.1' });
    baseUrl = `http://127.0.0.1:${port}`;
    dataSource = app.get(DataSource);
    // The service created its topics as it started: wait until the broker serves them.
    await kafka.waitForTopics([
      Topics.paymentCommands,
      Topics.paymentEvents,
      Topics.orderSagaReplies,
    ]);
    producer = kafka.client.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    reader = kafka.client.consumer({ groupId: kafka.groupId('order-saga') });
    await reader.connect();
    await reader.subscribe({
      topics: [kafka.topic(Topics.orderSagaReplies), kafka.topic(Topics.paymentEvents)],
      fromBeginning: true,
    });
    await reader.run({
      eachMessage: async ({ topic, message }) => {
        received.push({ topic, envelope: JSON.parse(message.value?.toString() ?? '{}') });
      },
    });
  });

  afterAll(async () => {
    await reader?.disconnect();
    await producer?.disconnect();
    await app?.close();
    await issuer?.stop();
    await database?.drop();
    await kafka.cleanup();
  });

  /** Sends a command as the order service would (or sends the same envelope again: a redelivery). */
  async function send<TData extends { orderId: string }>(
    definition: MessageDefinition<string, TData>,
    data: NoInfer<TData>,
  ): Promise<MessageEnvelope<TData>> {
    const message = createMessage(definition, data, {
      source: 'order',
      correlationId: data.orderId,
    });
    await redeliver(message.envelope);
    return message.envelope;
  }

  async function redeliver(envelope: MessageEnvelope<{ orderId: string }>): Promise<void> {
    await producer.send({
      topic: kafka.topic(Topics.paymentCommands),
      messages: [
        {
          key: envelope.data.orderId,
          value: JSON.stringify(envelope),
          headers: headersOf(envelope),
        },
      ],
    });
  }

  const repliesTo = (command: MessageEnvelope): Envelope[] =>
    received
      .filter(
        ({ topic, envelope }) =>
          topic === kafka.topic(Topics.orderSagaReplies) && envelope.causationId === command.id,
      )
      .map(({ envelope }) => envelope);

  const eventsOf = (orderId: string): string[] =>
    received
      .filter(
        ({ topic, envelope }) =>
          topic === kafka.topic(Topics.paymentEvents) && envelope.data['orderId'] === orderId,
      )
      .map(({ envelope }) => envelope.type);

  async function replyTo(command: MessageEnvelope): Promise<Envelope> {
    const [reply] = await eventually(
      () => repliesTo(command),
      (replies) => replies.length > 0,
    );
    return reply as Envelope;
  }

  async function authorize(
    paymentMethodToken: string,
    customerId: string = randomUUID(),
  ): Promise<{ orderId: string; customerId: string; reply: Envelope }> {
    const orderId = randomUUID();
    const command = await send(AuthorizePaymentV1, {
      orderId,
      customerId,
      amount,
      paymentMethodToken,
    });
    return { orderId, customerId, reply: await replyTo(command) };
  }

  async function command<TData extends { orderId: string }>(
    definition: MessageDefinition<string, TData>,
    data: NoInfer<TData>,
  ): Promise<Envelope> {
    return replyTo(await send(definition, data));
  }

  async function storedPayment(
    orderId: string,
  ): Promise<{ status: string; history: { status: string; provider_reference: string | null }[] }> {
    const [payment] = await dataSource.query(
      'SELECT id, status FROM payments WHERE order_id = $1',
      [orderId],
    );
    const history = await dataSource.query(
      'SELECT status, provider_reference FROM payment_transitions WHERE payment_id = $1 ORDER BY sequence',
      [payment.id],
    );
    return { status: payment.status, history };
  }

  const providerOperations = (
    orderId: string,
  ): Promise<{ operation: string; reference: string }[]> =>
    dataSource.query(
      `SELECT operation, reference FROM fake_provider_operations WHERE idempotency_key LIKE $1 ORDER BY created_at`,
      [`%:${orderId}`],
    );

  describe('authorization, by payment method token', () => {
    it.each(['tok_visa', 'tok_mastercard'])(
      '%s is authorized, replied and announced',
      async (token) => {
        const { orderId, reply } = await authorize(token);

        expect(reply).toMatchObject({
          type: 'payment.AuthorizePaymentSucceeded.v1',
          source: 'payment',
          correlationId: orderId,
          data: { orderId, paymentId: expect.any(String), amount },
        });
        expect((await storedPayment(orderId)).status).toBe('AUTHORIZED');
        await eventually(
          () => eventsOf(orderId),
          (events) => events.length > 0,
        );
        expect(eventsOf(orderId)).toEqual(['payment.PaymentAuthorized.v1']);
      },
    );

    it.each([
      ['tok_decline', 'declined'],
      ['tok_insufficient_funds', 'insufficient_funds'],
      ['tok_unknown', 'invalid_payment_method'],
    ])('%s is declined with reason %s', async (token, reason) => {
      const { orderId, reply } = await authorize(token);

      expect(reply).toMatchObject({
        type: 'payment.AuthorizePaymentFailed.v1',
        data: { orderId, reason, message: expect.any(String) },
      });
      expect((await storedPayment(orderId)).status).toBe('DECLINED');
      await eventually(
        () => eventsOf(orderId),
        (events) => events.length > 0,
      );
      expect(eventsOf(orderId)).toEqual(['payment.PaymentDeclined.v1']);
    });

    it('tok_timeout: after bounded attempts under one idempotency key, reverses what the provider may hold and replies FAILED', async () => {
      const { orderId, customerId, reply } = await authorize('tok_timeout');

      expect(reply).toMatchObject({
        type: 'payment.AuthorizePaymentFailed.v1',
        data: {
          orderId,
          reason: 'provider_unavailable',
          message: expect.stringMatching(/after 2 attempt/),
        },
      });
      const operations = await providerOperations(orderId);
      expect(operations.map(({ operation }) => operation)).toEqual(['authorize', 'reverse']);
      expect(await storedPayment(orderId)).toEqual({
        status: 'FAILED',
        history: [{ status: 'FAILED', provider_reference: operations[1]?.reference }],
      });

      const again = await command(AuthorizePaymentV1, {
        orderId,
        customerId,
        amount,
        paymentMethodToken: 'tok_timeout',
      });

      expect(again).toMatchObject({
        type: 'payment.AuthorizePaymentFailed.v1',
        data: { reason: 'provider_unavailable' },
      });
      expect(await providerOperations(orderId)).toEqual(operations);
    });

    it('tok_timeout_once: the retry gets the authorization the provider recorded, not a second one', async () => {
      const { orderId, reply } = await authorize('tok_timeout_once');

      expect(reply.type).toBe('payment.AuthorizePaymentSucceeded.v1');
      const operations = await providerOperations(orderId);
      expect(operations).toHaveLength(1);
      expect((await storedPayment(orderId)).history).toEqual([
        { status: 'AUTHORIZED', provider_reference: operations[0]?.reference },
      ]);
    });
  });

  describe('idempotency by order id', () => {
    it('changes nothing for a redelivered command or a re-sent one', async () => {
      const orderId = randomUUID();
      const data = { orderId, customerId: randomUUID(), amount, paymentMethodToken: 'tok_visa' };
      const first = await send(AuthorizePaymentV1, data);
      await redeliver(first);
      const firstReply = await replyTo(first);
      // Same partition: once the re-sent command is answered, the redelivery was handled.
      const resentReply = await command(AuthorizePaymentV1, data);

      expect(repliesTo(first)).toHaveLength(1);
      expect(resentReply.data).toEqual(firstReply.data);
      expect(await providerOperations(orderId)).toHaveLength(1);
      expect((await storedPayment(orderId)).history).toHaveLength(1);
    });

    it('never authorizes or captures twice, even for concurrent duplicates in separate transactions', async () => {
      const orderId = randomUUID();
      const customerId = randomUUID();
      const transport = app.get(MessagingTransport);
      const inbox = new TypeormInbox(dataSource);
      const concurrently = async <TData extends { orderId: string }>(
        definition: MessageDefinition<string, TData>,
        data: NoInfer<TData>,
      ): Promise<void> => {
        const duplicates = Array.from({ length: 4 }, () =>
          parseMessage(
            JSON.stringify(
              createMessage(definition, data, { source: 'order', correlationId: orderId }).envelope,
            ),
          ),
        );
        await Promise.all(
          duplicates.map((message) =>
            inbox.process('payment-test', message.envelope, (manager) =>
              transport.dispatch(message, manager),
            ),
          ),
        );
      };

      await concurrently(AuthorizePaymentV1, {
        orderId,
        customerId,
        amount,
        paymentMethodToken: 'tok_visa',
      });
      await concurrently(CapturePaymentV1, { orderId });

      expect((await providerOperations(orderId)).map(({ operation }) => operation)).toEqual([
        'authorize',
        'capture',
      ]);
      expect((await storedPayment(orderId)).history.map(({ status }) => status)).toEqual([
        'AUTHORIZED',
        'CAPTURED',
      ]);
      const replies: { type: string; payload: Envelope }[] = await dataSource.query(
        `SELECT type, payload FROM outbox_messages WHERE partition_key = $1 AND topic = $2 ORDER BY sequence`,
        [orderId, Topics.orderSagaReplies],
      );
      expect(replies.map(({ type }) => type)).toEqual([
        ...Array(4).fill('payment.AuthorizePaymentSucceeded.v1'),
        ...Array(4).fill('payment.CapturePaymentSucceeded.v1'),
      ]);
      expect(new Set(replies.map(({ payload }) => payload.data['paymentId'])).size).toBe(1);
    });

    it('is backed by the database: one payment per order, each status at most once per payment', async () => {
      const { orderId } = await authorize('tok_visa');
      const [{ id }] = await dataSource.query('SELECT id FROM payments WHERE order_id = $1', [
        orderId,
      ]);

      await expect(
        dataSource.query(
          `INSERT INTO payments (id, order_id, customer_id, amount, currency, status, version, created_at, updated_at)
           VALUES ($1, $2, $3, 1, 'EUR', 'AUTHORIZED', 1, now(), now())`,
          [randomUUID(), orderId, randomUUID()],
        ),
      ).rejects.toThrow(/payments_order_id_key/);
      await expect(
        dataSource.query(
          `INSERT INTO payment_transitions (payment_id, sequence, status, occurred_at) VALUES ($1, 2, 'AUTHORIZED', now())`,
          [id],
        ),
      ).rejects.toThrow(/payment_transitions_status_once/);
    });
  });

  describe('capture, void and refund', () => {
    it('captures an authorized payment once, and announces it', async () => {
      const { orderId, reply } = await authorize('tok_visa');

      const captured = await command(CapturePaymentV1, { orderId });
      const again = await command(CapturePaymentV1, { orderId });

      expect(captured).toMatchObject({
        type: 'payment.CapturePaymentSucceeded.v1',
        data: { orderId, paymentId: reply.data['paymentId'] },
      });
      expect(again.data).toEqual(captured.data);
      expect((await storedPayment(orderId)).status).toBe('CAPTURED');
      expect((await providerOperations(orderId)).map(({ operation }) => operation)).toEqual([
        'authorize',
        'capture',
      ]);
      await eventually(
        () => eventsOf(orderId),
        (events) => events.length >= 2,
      );
      expect(eventsOf(orderId)).toEqual([
        'payment.PaymentAuthorized.v1',
        'payment.PaymentCaptured.v1',
      ]);
    });

    it('refuses to capture without an authorization, or after a decline', async () => {
      const missing = await command(CapturePaymentV1, { orderId: randomUUID() });
      const { orderId } = await authorize('tok_decline');
      const declined = await command(CapturePaymentV1, { orderId });

      expect(missing).toMatchObject({
        type: 'payment.CapturePaymentFailed.v1',
        data: { reason: expect.stringMatching(/^payment-not-found: /) },
      });
      expect(declined.data['reason']).toMatch(
        /^illegal-payment-transition: a DECLINED payment cannot become CAPTURED/,
      );
    });

    it('voids an authorization once; a void with nothing to void succeeds', async () => {
      const { orderId, reply } = await authorize('tok_visa');

      const voided = await command(VoidPaymentV1, { orderId });
      const again = await command(VoidPaymentV1, { orderId });
      const nothing = await command(VoidPaymentV1, { orderId: randomUUID() });

      expect(voided).toMatchObject({
        type: 'payment.VoidPaymentSucceeded.v1',
        data: { orderId, paymentId: reply.data['paymentId'] },
      });
      expect(again.data).toEqual(voided.data);
      expect(nothing).toMatchObject({
        type: 'payment.VoidPaymentSucceeded.v1',
        data: { paymentId: null },
      });
      expect((await storedPayment(orderId)).status).toBe('VOIDED');
      expect((await providerOperations(orderId)).map(({ operation }) => operation)).toEqual([
        'authorize',
        'void',
      ]);
    });

    it('refuses to void a captured payment and says why', async () => {
      const { orderId } = await authorize('tok_mastercard');
      await command(CapturePaymentV1, { orderId });

      const refused = await command(VoidPaymentV1, { orderId });

      expect(refused).toMatchObject({
        type: 'payment.VoidPaymentFailed.v1',
        data: {
          orderId,
          reason: expect.stringMatching(
            /^payment-already-captured: .*cannot be voided; refund it instead/,
          ),
        },
      });
      expect((await storedPayment(orderId)).status).toBe('CAPTURED');
    });

    it('refunds a captured payment once, and refuses to refund one that was never captured', async () => {
      const { orderId } = await authorize('tok_visa');
      await command(CapturePaymentV1, { orderId });

      const refunded = await command(RefundPaymentV1, { orderId, reason: 'order cancelled' });
      const again = await command(RefundPaymentV1, { orderId, reason: 'order cancelled' });
      const onlyAuthorized = await authorize('tok_visa');
      const refused = await command(RefundPaymentV1, {
        orderId: onlyAuthorized.orderId,
        reason: 'order cancelled',
      });

      expect(refunded.type).toBe('payment.RefundPaymentSucceeded.v1');
      expect(again.data).toEqual(refunded.data);
      expect(await storedPayment(orderId)).toMatchObject({
        status: 'REFUNDED',
        history: [{ status: 'AUTHORIZED' }, { status: 'CAPTURED' }, { status: 'REFUNDED' }],
      });
      expect((await providerOperations(orderId)).map(({ operation }) => operation)).toEqual([
        'authorize',
        'capture',
        'refund',
      ]);
      expect(refused.type).toBe('payment.RefundPaymentFailed.v1');
      expect(refused.data['reason']).toMatch(/nothing was captured/);
      await eventually(
        () => eventsOf(orderId),
        (events) => events.length >= 3,
      );
      expect(eventsOf(orderId)).toContain('payment.PaymentRefunded.v1');
    });
  });

  describe('the fake provider', () => {
    const policy = new ProviderCallPolicy({ timeoutMs: 100, maxAttempts: 2, retryDelayMs: 1 });
    const request = (orderId: string) => ({
      idempotencyKey: `drill:${orderId}`,
      orderId,
      amount,
      paymentMethodToken: 'tok_visa',
    });

    it('answers a repeated idempotency key with its first answer, and refuses the key for another request', async () => {
      const provider = new FakePaymentProvider(database.url, { latencyMs: 0, errorRate: 0 });
      try {
        const orderId = randomUUID();
        const first = await provider.authorize(request(orderId), AbortSignal.timeout(1_000));
        const repeated = await provider.authorize(request(orderId), AbortSignal.timeout(1_000));

        expect(repeated).toEqual(first);
        await expect(
          provider.authorize(
            { ...request(orderId), amount: { amount: 1, currency: 'EUR' } },
            AbortSignal.timeout(1_000),
          ),
        ).rejects.toBeInstanceOf(PaymentProviderRefusedError);
      } finally {
        await provider.onApplicationShutdown();
      }
    });

    it('injects failures (PAYMENT_PROVIDER_ERROR_RATE) and latency (PAYMENT_PROVIDER_LATENCY_MS) for drills', async () => {
      const failing = new FakePaymentProvider(database.url, { latencyMs: 0, errorRate: 1 });
      const slow = new FakePaymentProvider(database.url, { latencyMs: 500, errorRate: 0 });
      try {
        const orderId = randomUUID();
        await expect(
          policy.call('authorize', (signal) => failing.authorize(request(orderId), signal)),
        ).rejects.toThrow(/after 2 attempt\(s\); last: authorize: injected provider failure/);
        await expect(
          policy.call('authorize', (signal) => slow.authorize(request(orderId), signal)),
        ).rejects.toThrow(/no answer from the payment provider within 100 ms/);
        await expect(
          policy.call('authorize', (signal) => slow.authorize(request(orderId), signal)),
        ).rejects.toBeInstanceOf(PaymentProviderUnavailableError);
        // Neither drill got as far as authorizing.
        expect(await providerOperations(orderId)).toEqual([]);
      } finally {
        await failing.onApplicationShutdown();
        await slow.onApplicationShutdown();
      }
    });
  });

  describe('over HTTP', () => {
    const call = async (path: string, token?: string) => {
      const response = await fetch(`${baseUrl}${path}`, {
        headers: token ? { authorization: `Bearer ${token}` } : {},
      });
      const text = await response.text();
      return {
        status: response.status,
        type: response.headers.get('content-type'),
        body: text ? JSON.parse(text) : undefined,
      };
    };

    it('serves a payment, with its history, to its customer and to an admin, and a 404 to anyone else', async () => {
      const { orderId, customerId, reply } = await authorize('tok_visa');
      await command(CapturePaymentV1, { orderId });
      const paymentId = reply.data['paymentId'] as string;
      const owner = await issuer.issue({ sub: customerId });
      const stranger = await issuer.issue({ sub: randomUUID() });
      const admin = await issuer.issue({ sub: randomUUID(), roles: ['admin'] });

      const byOrder = await call(`/payments?orderId=${orderId}`, owner);
      const byId = await call(`/payments/${paymentId}`, owner);

      expect(byOrder.status).toBe(200);
      expect(byOrder.body).toEqual({
        id: paymentId,
        orderId,
        customerId,
        amount,
        status: 'CAPTURED',
        failure: null,
        history: [
          {
            status: 'AUTHORIZED',
            occurredAt: expect.any(String),
            providerReference: expect.stringMatching(/^auth_/),
            reason: null,
          },
          {
            status: 'CAPTURED',
            occurredAt: expect.any(String),
            providerReference: expect.stringMatching(/^cap_/),
            reason: null,
          },
        ],
      });
      expect(byId.body).toEqual(byOrder.body);
      expect((await call(`/payments/${paymentId}`, admin)).status).toBe(200);
      expect((await call(`/payments?orderId=${orderId}`, admin)).body.id).toBe(paymentId);
      for (const path of [`/payments/${paymentId}`, `/payments?orderId=${orderId}`]) {
        const hidden = await call(path, stranger);
        expect(hidden.status).toBe(404);
        expect(hidden.type).toMatch(/^application\/problem\+json/);
        expect(hidden.body.type).toBe('https://shop.example/problems/payment-not-found');
      }
    });

    it('shows why a payment failed', async () => {
      const { orderId, customerId } = await authorize('tok_insufficient_funds');

      const payment = await call(
        `/payments?orderId=${orderId}`,
        await issuer.issue({ sub: customerId }),
      );

      expect(payment.body).toMatchObject({
        status: 'DECLINED',
        failure: { reason: 'insufficient_funds', message: expect.any(String) },
      });
    });

    it('needs a token, and answers malformed ids and unknown payments with problems', async () => {
      const token = await issuer.issue({ sub: randomUUID() });

      expect((await call(`/payments/${randomUUID()}`)).status).toBe(401);
      expect((await call('/payments/not-a-uuid', token)).status).toBe(400);
      expect((await call('/payments', token)).body).toMatchObject({
        status: 400,
        errors: [expect.objectContaining({ field: 'orderId' })],
      });
      expect((await call(`/payments/${randomUUID()}`, token)).status).toBe(404);
    });

    it('answers its health checks without a token', async () => {
      expect(await call('/health/live')).toMatchObject({ status: 200, body: { status: 'ok' } });
      expect(await call('/health/ready')).toMatchObject({
        status: 200,
        body: { checks: { database: 'up', kafka: 'up' } },
      });
    });

    it('exposes HTTP and provider-call metrics without a token', async () => {
      await authorize('tok_timeout_once');
      await call('/health/live');

      const metrics = await (await fetch(`${baseUrl}/metrics`)).text();
      /** A sample's value, whatever the order of its labels. */
      const sample = (name: string, labels: Record<string, string>): number =>
        metrics
          .split('\n')
          .filter((line) => line.startsWith(`${name}{`))
          .filter((line) =>
            Object.entries(labels).every(([label, value]) => line.includes(`${label}="${value}"`)),
          )
          .reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);

      expect(
        sample('http_requests_total', { service: 'payment', route: '/health/live', status: '200' }),
      ).toBeGreaterThan(0);
      for (const outcome of ['timeout', 'answered']) {
        expect(
          sample('payment_provider_call_duration_seconds_count', {
            service: 'payment',
            operation: 'authorize',
            outcome,
          }),
        ).toBeGreaterThan(0);
      }
    });

    it('serves its OpenAPI document, as committed (UPDATE_OPENAPI=1 rewrites apps/payment/openapi.json)', async () => {
      const served = await call('/docs-json');
      const rendered = `${JSON.stringify(served.body, null, 2)}\n`;
      if (process.env['UPDATE_OPENAPI'] === '1') writeFileSync(committedOpenApi, rendered);

      expect(served.status).toBe(200);
      expect(Object.keys(served.body.paths)).toEqual(
        expect.arrayContaining(['/payments', '/payments/{id}', '/health/ready']),
      );
      expect(readFileSync(committedOpenApi, 'utf8')).toBe(rendered);
    });
  });
});

describe('payment service configuration', () => {
  const base = { PAYMENT_DATABASE_URL: 'postgres://u:p@db/payments', KAFKA_BROKERS: 'k:9092' };

  it('has defaults for everything but the database and the brokers', () => {
    expect(loadPaymentConfig(base)).toMatchObject({
      PORT: 3004,
      KAFKA_BROKERS: ['k:9092'],
      PAYMENT_PROVIDER: 'fake',
      PAYMENT_PROVIDER_TIMEOUT_MS: 2_000,
      PAYMENT_PROVIDER_MAX_ATTEMPTS: 3,
      PAYMENT_PROVIDER_LATENCY_MS: 0,
      PAYMENT_PROVIDER_ERROR_RATE: 0,
    });
  });

  it('names every missing or bad variable in one message', () => {
    const message = (() => {
      try {
        loadPaymentConfig({
          PORT: 'eighty',
          PAYMENT_PROVIDER: 'stripe',
          PAYMENT_PROVIDER_ERROR_RATE: '1.5',
          PAYMENT_PROVIDER_LATENCY_MS: '-1',
        });
      } catch (error) {
        expect(error).toBeInstanceOf(InvalidConfigurationError);
        return (error as Error).message;
      }
      throw new Error('the configuration was accepted');
    })();

    for (const name of [
      'PORT',
      'PAYMENT_DATABASE_URL',
      'KAFKA_BROKERS',
      'PAYMENT_PROVIDER',
      'PAYMENT_PROVIDER_ERROR_RATE',
      'PAYMENT_PROVIDER_LATENCY_MS',
    ]) {
      expect(message).toContain(name);
    }
  });

  it('refuses provider deadlines that do not fit in a consumer session', () => {
    expect(() =>
      loadPaymentConfig({
        ...base,
        PAYMENT_PROVIDER_TIMEOUT_MS: '5000',
        PAYMENT_PROVIDER_MAX_ATTEMPTS: '3',
      }),
    ).toThrow(/PAYMENT_PROVIDER_TIMEOUT_MS: .* could spend 31200 ms on provider calls/);
  });
});
