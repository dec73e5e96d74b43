import 'reflect-metadata';
import { type INestApplication } from '@nestjs/common';
import { parseMessage, Topics } from '@shop/contracts';
import { TestTokenIssuer } from '@shop/testing';
import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { v7 as uuidv7 } from 'uuid';
import { loadGatewayConfig } from '../src/config/gateway-config';
import { createGatewayApp } from '../src/gateway-app';
import { ADMIN, CUSTOMER, ServicesUnderTest } from './support/system-under-test';

interface Answer {
  status: number;
  headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON answers are inspected freely in tests
  body: any;
}

const address = {
  recipient: 'Ada',
  line1: '1 Main St',
  city: 'Paris',
  postalCode: '75001',
  country: 'FR',
};

async function call(
  base: string,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...options.headers,
    },
    ...(options.body === undefined
      ? {}
      : { body: typeof options.body === 'string' ? options.body : JSON.stringify(options.body) }),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // Not JSON (Swagger UI's HTML): kept as text.
  }
  return { status: response.status, headers: response.headers, body };
}

/**
 * A GET whose path is sent exactly as given: fetch (a WHATWG URL parser) would
 * turn `\` into `/` and resolve `..` before sending, as curl does not.
 */
function rawGet(
  base: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Record<string, unknown>; text: string }> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const sent = httpRequest({ host: hostname, port, path, headers }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, headers: response.headers, text }),
      );
    });
    sent.on('error', reject);
    sent.end();
  });
}

describe('gateway in front of the real services (each its own process; real PostgreSQL, MongoDB-wire and Kafka)', () => {
  const services = new ServicesUnderTest();
  let gateway: INestApplication;
  let strict: INestApplication;
  let tokens: TestTokenIssuer;
  let base: string;
  let strictBase: string;
  let customerToken: string;
  let adminToken: string;
  let productId: string;

  beforeAll(async () => {
    await services.start();
    const upstreams = {
      USER_SERVICE_URL: services.url('user'),
      CATALOG_SERVICE_URL: services.url('catalog'),
      ORDER_SERVICE_URL: services.url('order'),
      PAYMENT_SERVICE_URL: services.url('payment'),
    };
    gateway = await createGatewayApp(
      loadGatewayConfig({
        ...upstreams,
        AUTH_JWKS_URL: `${services.url('user')}/.well-known/jwks.json`,
        AUTH_ISSUER: services.url('user'),
        // Generous: a login (argon2) on a machine busy starting four services takes seconds.
        UPSTREAM_TIMEOUT_MS: '10000',
        UPSTREAM_BREAKER_RESET_MS: '60000',
        BODY_LIMIT: '2kb',
      }),
    );
    await gateway.listen(0, '127.0.0.1');
    base = await gateway.getUrl();
    // A second gateway with tight limits, and tokens from a test issuer (to mint expired ones).
    tokens = await TestTokenIssuer.start();
    strict = await createGatewayApp(
      loadGatewayConfig({
        ...upstreams,
        AUTH_JWKS_URL: tokens.jwksUrl,
        AUTH_ISSUER: tokens.issuer,
        AUTH_AUDIENCE: tokens.audience,
        RATE_LIMIT_AUTH_PER_ADDRESS: '3',
        RATE_LIMIT_PER_USER: '2',
        CORS_ORIGINS: 'https://shop.example',
      }),
    );
    await strict.listen(0, '127.0.0.1');
    strictBase = await strict.getUrl();

    const login = async (credentials: { email: string; password: string }) =>
      (await call(base, 'POST', '/api/v1/auth/login', { body: credentials })).body
        .accessToken as string;
    customerToken = await login(CUSTOMER);
    adminToken = await login(ADMIN);
    const products = await call(base, 'GET', '/api/v1/products?limit=50');
    productId = products.body.items.find(
      (product: { available: number }) => product.available >= 20,
    ).id;
  }, 240_000);

  afterAll(async () => {
    await gateway?.close();
    await strict?.close();
    await tokens?.stop();
    await services.stop();
  });

  const placeOrder = (token = customerToken, body: unknown = undefined, key = uuidv7()) =>
    call(base, 'POST', '/api/v1/orders', {
      token,
      headers: { 'idempotency-key': key },
      body: body ?? {
        items: [{ productId, quantity: 1 }],
        paymentMethod: { token: 'tok_visa' },
        shippingAddress: address,
      },
    });

  const finalOrder = async (orderId: string): Promise<Answer> => {
    for (let attempt = 0; attempt < 300; attempt += 1) {
      const order = await call(base, 'GET', `/api/v1/orders/${orderId}`, { token: customerToken });
      if (order.body.status !== 'PENDING' && order.body.saga?.status !== 'RUNNING') return order;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`order ${orderId} never ended`);
  };

  it('lets public routes through without a token and refuses protected ones with 401 problem+json', async () => {
    const products = await call(base, 'GET', '/api/v1/products');
    expect(products.status).toBe(200);
    expect(products.body.items.length).toBeGreaterThan(0);
    expect((await call(base, 'GET', '/api/v1/categories')).status).toBe(200);

    const orders = await call(base, 'GET', '/api/v1/orders');
    expect(orders.status).toBe(401);
    expect(orders.headers.get('content-type')).toContain('application/problem+json');
    expect(orders.headers.get('www-authenticate')).toContain('Bearer');
    expect(orders.body).toMatchObject({
      type: 'https://shop.example/problems/unauthenticated',
      status: 401,
    });
    // A refusal at the edge is an answer like any other: request id, security and rate-limit headers.
    expect(orders.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(orders.headers.get('x-content-type-options')).toBe('nosniff');
    expect(orders.headers.get('ratelimit-limit')).not.toBeNull();
    // The composed view is the gateway's own route, behind the same checks.
    const details = await call(base, 'GET', `/api/v1/orders/${uuidv7()}/details`);
    expect(details.status).toBe(401);
    expect(details.body.type).toBe('https://shop.example/problems/unauthenticated');

    const me = await call(base, 'GET', '/api/v1/users/me', { token: customerToken });
    expect(me.status).toBe(200);
    expect(me.body.email).toBe(CUSTOMER.email);
  });

  it('refuses tampered, forged and expired tokens at the edge', async () => {
    const [header, payload, signature] = customerToken.split('.');
    const claims = JSON.parse(Buffer.from(payload as string, 'base64url').toString());
    const tampered = [
      header,
      Buffer.from(JSON.stringify({ ...claims, roles: ['admin'] })).toString('base64url'),
      signature,
    ].join('.');
    expect((await call(base, 'GET', '/api/v1/users/me', { token: tampered })).status).toBe(401);
    expect(
      (await call(base, 'POST', '/api/v1/products', { token: tampered, body: {} })).status,
    ).toBe(401);

    const sub = uuidv7();
    expect(
      (await call(strictBase, 'GET', '/api/v1/orders', { token: await tokens.forge({ sub }) }))
        .status,
    ).toBe(401);
    const expired = await call(strictBase, 'GET', '/api/v1/orders', {
      token: await tokens.issue({ sub, expiresIn: '-1m' }),
    });
    expect(expired.status).toBe(401);
    expect(expired.body.detail).toContain('expired');
  });

  it('checks the admin role at the edge: a customer gets 403 on admin routes', async () => {
    const refused = await call(base, 'POST', '/api/v1/products', {
      token: customerToken,
      body: {},
    });
    expect(refused.status).toBe(403);
    expect(refused.body.type).toBe('https://shop.example/problems/forbidden');
  });

  it('limits rates per address on the auth routes and per user, with 429, Retry-After and rate-limit headers', async () => {
    const attempts = [];
    for (let attempt = 0; attempt < 4; attempt += 1) {
      attempts.push(
        await call(strictBase, 'POST', '/api/v1/auth/login', {
          body: { email: 'x@shop.test', password: 'wrong password here' },
        }),
      );
    }
    expect(attempts.slice(0, 3).map((answer) => answer.status)).toEqual([401, 401, 401]);
    expect(attempts[0]?.headers.get('ratelimit-limit')).toBe('3');
    expect(attempts[2]?.headers.get('ratelimit-remaining')).toBe('0');
    const limited = attempts[3] as Answer;
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.body.type).toBe('https://shop.example/problems/rate-limited');

    const user = await tokens.issue({ sub: uuidv7(), roles: ['customer'] });
    const reads = [];
    for (let read = 0; read < 3; read += 1)
      reads.push(await call(strictBase, 'GET', '/api/v1/payments/' + uuidv7(), { token: user }));
    // Two reach the payment service (which refuses this test issuer's token: zero trust); the third is stopped at the edge.
    expect(reads.map((answer) => answer.status)).toEqual([401, 401, 429]);
  });

  it('validates requests against the merged OpenAPI document before forwarding: 400 naming the field', async () => {
    const badQuantity = await placeOrder(customerToken, {
      items: [{ productId, quantity: 0 }],
      paymentMethod: { token: 'tok_visa' },
      shippingAddress: address,
    });
    expect(badQuantity.status).toBe(400);
    expect(badQuantity.body.type).toBe('https://shop.example/problems/invalid-request');
    expect(badQuantity.body.errors).toEqual(
      expect.arrayContaining([expect.objectContaining({ field: 'body.items[0].quantity' })]),
    );
    const noKey = await call(base, 'POST', '/api/v1/orders', {
      token: customerToken,
      body: {
        items: [{ productId, quantity: 1 }],
        paymentMethod: { token: 'tok_visa' },
        shippingAddress: address,
      },
    });
    expect(noKey.status).toBe(400);
    expect(JSON.stringify(noKey.body.errors)).toContain('idempotency-key');
  });

  it('places an order through the gateway and composes its details from order, catalog and payment', async () => {
    const placed = await placeOrder();
    expect(placed.status).toBe(202);
    // The service's own Location, as the client must use it: under the public prefix.
    expect(placed.headers.get('location')).toBe(`/api/v1/orders/${placed.body.orderId}`);
    const order = await finalOrder(placed.body.orderId);
    expect(order.body.status).toBe('APPROVED');

    const details = await call(base, 'GET', `/api/v1/orders/${placed.body.orderId}/details`, {
      token: customerToken,
    });
    expect(details.status).toBe(200);
    expect(details.body).toMatchObject({
      order: { id: placed.body.orderId, status: 'APPROVED' },
      products: [expect.objectContaining({ id: productId })],
      payment: expect.objectContaining({ orderId: placed.body.orderId }),
      unavailable: [],
    });

    const adminView = await call(base, 'GET', `/api/v1/orders/${placed.body.orderId}/details`, {
      token: adminToken,
    });
    expect(adminView.status).toBe(200);
  });

  it("answers someone else's order details with 404", async () => {
    const email = `other-${uuidv7()}@shop.test`;
    const password = 'another long passphrase for them';
    expect(
      (await call(base, 'POST', '/api/v1/auth/register', { body: { email, password } })).status,
    ).toBe(201);
    const other = (await call(base, 'POST', '/api/v1/auth/login', { body: { email, password } }))
      .body.accessToken;
    const placed = await placeOrder();
    expect(
      (await call(base, 'GET', `/api/v1/orders/${placed.body.orderId}/details`, { token: other }))
        .status,
    ).toBe(404);
    expect(
      (await call(base, 'GET', `/api/v1/orders/${placed.body.orderId}`, { token: other })).status,
    ).toBe(404);
  });

  it('serves the merged OpenAPI document and Swagger UI; internal endpoints are neither documented nor routed', async () => {
    const spec = await call(base, 'GET', '/docs-json');
    expect(spec.status).toBe(200);
    const paths = Object.keys(spec.body.paths);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/api/v1/auth/login',
        '/api/v1/products',
        '/api/v1/orders',
        '/api/v1/orders/{id}/details',
        '/api/v1/payments',
      ]),
    );
    expect(paths.some((path) => path.includes('lookup') || path.includes('health'))).toBe(false);
    expect((await call(base, 'GET', '/docs')).status).toBe(200);
    expect(
      (await call(base, 'POST', '/api/v1/products/lookup', { body: { ids: [productId] } })).status,
    ).toBe(405); // the catalog's internal price lookup: through the gateway the path only reads as a product id
    expect((await call(base, 'DELETE', '/api/v1/orders')).status).toBe(405);
  });

  it('forwards only the route template with its parameters encoded: no dot segment, backslash or encoded separator reaches a service', async () => {
    const customer = { authorization: `Bearer ${customerToken}` };
    const attempts = [
      await rawGet(base, '/api/v1/products/..\\metrics'),
      await rawGet(base, '/api/v1/products/..%5Cmetrics'),
      await rawGet(base, '/api/v1/products/%2e%2e%2fmetrics'),
      await rawGet(base, '/api/v1/products/%2E%2E'),
      await rawGet(base, '/api/v1/products/..'),
      await rawGet(base, '/api/v1/orders/..\\metrics', customer),
      await rawGet(base, '/api/v1/payments/..\\docs-json', customer),
      await rawGet(base, '/api/v1/payments/..\\health\\ready', customer),
    ];
    // The same paths again: nothing was cached for them either.
    const again = await rawGet(base, '/api/v1/products/..\\metrics');

    for (const answer of [...attempts, again]) {
      expect(answer.status).toBe(400);
      expect(answer.headers['content-type']).toContain('application/problem+json');
      expect(JSON.parse(answer.text).type).toBe('https://shop.example/problems/invalid-path');
      expect(answer.text).not.toMatch(/http_requests_total|openapi|"checks"/);
    }
    expect(again.headers['x-cache']).toBeUndefined();
    // A path parameter is a UUID or nothing reaches the service (declared so in the merged document).
    const notUuid = await call(base, 'GET', '/api/v1/orders/metrics', { token: customerToken });
    expect(notUuid.status).toBe(400);
    expect(notUuid.body).toMatchObject({
      type: 'https://shop.example/problems/invalid-request',
      errors: [{ field: 'path.id', message: 'must be a UUID' }],
    });
    const spec = await call(base, 'GET', '/docs-json');
    expect(spec.body.paths['/api/v1/products/{id}'].get.parameters).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          name: 'id',
          in: 'path',
          schema: { type: 'string', format: 'uuid' },
        }),
      ]),
    );
  });

  it('answers a known path with another method 405 naming the methods it takes in Allow', async () => {
    const deleteOrders = await call(base, 'DELETE', '/api/v1/orders', { token: customerToken });
    expect(deleteOrders.status).toBe(405);
    expect(deleteOrders.headers.get('allow')).toBe('GET, POST');
    expect(deleteOrders.body.type).toBe('https://shop.example/problems/method-not-allowed');
    const putProduct = await call(base, 'PUT', `/api/v1/products/${productId}`, { body: {} });
    expect(putProduct.status).toBe(405);
    expect(putProduct.headers.get('allow')).toBe('GET, PATCH, DELETE');
  });

  it("honours a client's Cache-Control: no-cache on a cached product read (asks the catalog again)", async () => {
    const path = `/api/v1/products/${productId}`;
    // Stored now, so that the read below is well within the fresh TTL.
    await call(base, 'GET', path, { headers: { 'cache-control': 'no-cache' } });
    const description = `revised ${uuidv7()}`;
    const revised = await call(base, 'PATCH', path, {
      token: adminToken,
      body: { description },
    });
    expect(revised.status).toBe(200);

    const cached = await call(base, 'GET', path);
    const noCache = await call(base, 'GET', path, { headers: { 'cache-control': 'no-cache' } });
    const pragma = await call(base, 'GET', path, { headers: { pragma: 'no-cache' } });

    expect(cached.headers.get('x-cache')).toBe('HIT');
    expect(cached.body.description).not.toBe(description);
    expect(noCache.headers.get('x-cache')).toBe('MISS');
    expect(noCache.body.description).toBe(description);
    expect(pragma.headers.get('x-cache')).toBe('MISS');
    // The fresh answer replaced the cached one.
    expect((await call(base, 'GET', path)).body.description).toBe(description);
  });

  it('keeps the edge tidy: request ids, trace context, security headers, body limits, problem+json', async () => {
    const given = await call(base, 'GET', '/api/v1/categories', {
      headers: { 'x-request-id': 'req-e2e-1' },
    });
    expect(given.headers.get('x-request-id')).toBe('req-e2e-1');
    const generated = await call(base, 'GET', '/api/v1/categories');
    expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(generated.headers.get('x-content-type-options')).toBe('nosniff');
    expect(generated.headers.get('x-powered-by')).toBeNull();
    expect(generated.headers.get('ratelimit-remaining')).not.toBeNull();

    const huge = await call(base, 'POST', '/api/v1/auth/login', {
      body: { email: 'a@b.c', password: 'x'.repeat(5_000) },
    });
    expect(huge.status).toBe(413);
    expect(huge.headers.get('content-type')).toContain('application/problem+json');
    // JSON only: another type would reach no service intact; malformed JSON is the client's.
    const text = await fetch(`${base}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'email=a@b.c',
    });
    expect(text.status).toBe(415);
    expect(text.headers.get('content-type')).toContain('application/problem+json');
    const malformed = await fetch(`${base}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"email": ',
    });
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { status: number }).status).toBe(400);
    // A JSON type with no body at all, on a route that takes none: forwarded as no body.
    const cancel = await fetch(`${base}/api/v1/orders/${uuidv7()}/cancel`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${customerToken}` },
    });
    expect(cancel.status).toBe(404);
    expect(((await cancel.json()) as { type: string }).type).not.toBe('about:blank');
    // A URL whose percent-encoding does not decode is refused before any route: still a problem.
    const badUrl = await fetch(`${base}/api/v1/products/%E0%A4`);
    expect(badUrl.status).toBe(400);
    expect(badUrl.headers.get('content-type')).toContain('application/problem+json');
    expect(badUrl.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(badUrl.headers.get('x-content-type-options')).toBe('nosniff');
    // `//` would make the forwarded path name another host: refused before anything is sent.
    expect((await call(base, 'GET', '/api/v1//products')).status).toBe(400);
    expect(
      (await call(base, 'POST', '/api/v1//auth/login', { body: { email: 'a@b.c', password: 'x' } }))
        .status,
    ).toBe(400);
    const unknown = await call(base, 'GET', '/api/v1/nowhere');
    expect(unknown.status).toBe(404);
    expect(unknown.body.type).toBe('https://shop.example/problems/route-not-found');
  });

  it('answers cross-origin requests only from the configured origins', async () => {
    const origin = 'https://shop.example';
    const preflight = await fetch(`${strictBase}/api/v1/orders`, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(origin);
    expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');

    const read = await fetch(`${strictBase}/api/v1/categories`, { headers: { origin } });
    expect(read.status).toBe(200);
    expect(read.headers.get('access-control-allow-origin')).toBe(origin);
    expect(read.headers.get('access-control-expose-headers')).toContain('x-request-id');

    const stranger = await fetch(`${strictBase}/api/v1/categories`, {
      headers: { origin: 'https://elsewhere.example' },
    });
    expect(stranger.headers.get('access-control-allow-origin')).toBeNull();
    // Without CORS_ORIGINS, no cross-origin access at all.
    const closed = await fetch(`${base}/api/v1/categories`, { headers: { origin } });
    expect(closed.headers.get('access-control-allow-origin')).toBeNull();

    // A preflight from an origin not listed (or with none listed) is answered, without any
    // Access-Control-Allow-* header: the browser reads that as a refusal.
    for (const [gatewayUrl, from] of [
      [strictBase, 'https://elsewhere.example'],
      [base, origin],
    ] as const) {
      const refused = await fetch(`${gatewayUrl}/api/v1/orders`, {
        method: 'OPTIONS',
        headers: { origin: from, 'access-control-request-method': 'POST' },
      });
      expect(refused.status).toBe(204);
      const allowHeaders = [...refused.headers.keys()].filter((name) =>
        name.startsWith('access-control-allow'),
      );
      expect(allowHeaders).toEqual([]);
    }
    // The listed origin is allowed every method the public API uses.
    const patchPreflight = await fetch(`${strictBase}/api/v1/users/me`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'PATCH' },
    });
    expect(patchPreflight.headers.get('access-control-allow-methods')).toContain('PATCH');
  });

  it('propagates W3C trace context: the order placed through the gateway carries the caller’s trace id into Kafka', async () => {
    const traceId = randomBytes(16).toString('hex');
    const placed = await call(base, 'POST', '/api/v1/orders', {
      token: customerToken,
      headers: {
        'idempotency-key': uuidv7(),
        traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01`,
      },
      body: {
        items: [{ productId, quantity: 1 }],
        paymentMethod: { token: 'tok_visa' },
        shippingAddress: address,
      },
    });
    expect(placed.status).toBe(202);
    const consumer = services.kafka.client.consumer({
      groupId: services.kafka.groupId(`trace-${uuidv7()}`),
    });
    let traceparent: string | undefined;
    await consumer.connect();
    try {
      await consumer.subscribe({
        topic: services.kafka.topic(Topics.orderEvents),
        fromBeginning: true,
      });
      await consumer.run({
        eachMessage: async ({ message }) => {
          const { envelope } = parseMessage(message.value);
          if (
            envelope.type === 'order.OrderPlaced.v1' &&
            envelope.correlationId === placed.body.orderId
          ) {
            traceparent = envelope.traceparent;
          }
        },
      });
      for (let wait = 0; wait < 100 && !traceparent; wait += 1)
        await new Promise((resolve) => setTimeout(resolve, 200));
    } finally {
      await consumer.disconnect();
    }
    expect(traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
  });

  it('counts requests on /metrics by route pattern, not by URL', async () => {
    await call(base, 'GET', `/api/v1/products/${productId}`);
    const metrics = await fetch(`${base}/metrics`).then((response) => response.text());
    expect(metrics).toMatch(
      /http_requests_total\{[^}]*route="\/api\/v1\/products\/:id"[^}]*\} [1-9]/,
    );
    expect(metrics).not.toContain(productId);
  });

  it('caches public product reads with an ETag, answering 304 to If-None-Match', async () => {
    // A product no order of these tests touches: its stock, so its answer, stays as it is.
    const products = await call(base, 'GET', '/api/v1/products?limit=50');
    const quiet = products.body.items.find((product: { id: string }) => product.id !== productId);
    const path = `/api/v1/products/${quiet.id}`;
    const first = await call(base, 'GET', path);
    expect(first.status).toBe(200);
    const etag = first.headers.get('etag') as string;
    expect(etag).toMatch(/^W\/"/);
    // Sent as is: fetch adds `Cache-Control: no-cache` to a conditional request, which asks the
    // catalog again (still a 304 when the answer is unchanged).
    const again = await rawGet(base, path, { 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(again.headers['x-cache']).toBe('HIT');
    const revalidated = await call(base, 'GET', path, { headers: { 'if-none-match': etag } });
    expect(revalidated.status).toBe(304);
    expect(revalidated.headers.get('x-cache')).toBe('MISS');
  });

  it('answers fast when an upstream stops: the last good product read, else 503, and readiness says so', async () => {
    expect((await call(base, 'GET', '/health/ready')).status).toBe(200);
    const warm = await call(base, 'GET', '/api/v1/products?limit=5');
    expect(warm.status).toBe(200);
    await services.process('catalog').kill();

    // Past the fresh TTL the cached answer stands in for the catalog.
    await new Promise((resolve) => setTimeout(resolve, 5_100));
    const stale = await call(base, 'GET', '/api/v1/products?limit=5');
    expect(stale.status).toBe(200);
    expect(stale.headers.get('x-cache')).toBe('STALE');
    expect(stale.body).toEqual(warm.body);

    const never = await call(base, 'GET', `/api/v1/products/${uuidv7()}`);
    expect(never.status).toBe(503);
    expect(never.body).toMatchObject({
      type: 'https://shop.example/problems/upstream-unavailable',
    });
    for (let attempt = 0; attempt < 5; attempt += 1) {
      await call(base, 'GET', `/api/v1/products/${uuidv7()}`);
    }
    const fast = await call(base, 'GET', `/api/v1/products/${uuidv7()}`);
    expect(fast.status).toBe(503);
    expect(fast.body.detail).toContain('circuit-open');

    // Still ready (it serves the others and the stale reads); the upstream check names the catalog.
    const ready = await call(base, 'GET', '/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({
      status: 'degraded',
      upstreams: { catalog: 'down', order: 'up' },
    });
    const upstreams = await call(base, 'GET', '/health/upstreams');
    expect(upstreams.status).toBe(503);
    await services.process('catalog').start();
  });
});
