import { RequestValidationError } from '@shop/http';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { loadGatewayConfig } from '../config/gateway-config';
import { type Route, ROUTES, type UpstreamName } from '../config/route-table';
import { Upstreams, UPSTREAM_NAMES } from '../proxy/upstreams';
import { type IncomingRequest, OpenApiRegistry } from './openapi-registry';

const route = (method: string, path: string): Route =>
  ROUTES.find((candidate) => candidate.method === method && candidate.path === path) as Route;

/** The fields a refused request names, or [] when it passes. */
function refusedFields(registry: OpenApiRegistry, request: Partial<IncomingRequest>): string[] {
  try {
    registry.validate({ params: {}, headers: {}, query: {}, body: undefined, ...request } as never);
    return [];
  } catch (error) {
    if (!(error instanceof RequestValidationError)) throw error;
    return error.fields.map(({ field }) => field);
  }
}

describe('OpenApiRegistry: requests validated against the services’ committed documents', () => {
  const servers: Server[] = [];
  let upstreams: Upstreams;
  let registry: OpenApiRegistry;

  beforeAll(async () => {
    // Each service's committed OpenAPI document, served at its /docs-json as the service does.
    const urls = {} as Record<UpstreamName, string>;
    for (const name of UPSTREAM_NAMES) {
      const document = readFileSync(join(__dirname, `../../../${name}/openapi.json`));
      const server = createServer((request, response) => {
        response.writeHead(request.url === '/docs-json' ? 200 : 404, {
          'content-type': 'application/json',
        });
        response.end(request.url === '/docs-json' ? document : '{}');
      });
      await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
      servers.push(server);
      urls[name] = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    }
    upstreams = Upstreams.fromConfig(
      loadGatewayConfig({
        USER_SERVICE_URL: urls.user,
        CATALOG_SERVICE_URL: urls.catalog,
        ORDER_SERVICE_URL: urls.order,
        PAYMENT_SERVICE_URL: urls.payment,
        AUTH_JWKS_URL: `${urls.user}/.well-known/jwks.json`,
      }),
    );
    registry = new OpenApiRegistry(upstreams, 60_000, (message) => {
      throw new Error(message);
    });
    await registry.refresh();
    registry.stop();
  });

  afterAll(async () => {
    registry?.stop();
    await upstreams?.shutdown();
    await Promise.all(servers.map((server) => new Promise((closed) => server.close(closed))));
  });

  it('merges all four documents', () => {
    expect(registry.known.sort()).toEqual(['catalog', 'order', 'payment', 'user']);
  });

  it('passes a valid query, coercing only its own copy of the values', () => {
    const query = { limit: '20', sort: 'price', q: 'lamp' };
    expect(refusedFields(registry, { route: route('GET', '/products'), query })).toEqual([]);
    expect(query).toEqual({ limit: '20', sort: 'price', q: 'lamp' });
  });

  it('names each bad or unknown query parameter', () => {
    expect(
      refusedFields(registry, {
        route: route('GET', '/products'),
        query: { limit: 'many', minPrice: '-1', colour: 'red' },
      }).sort(),
    ).toEqual(['query.colour', 'query.limit', 'query.minPrice']);
    expect(
      refusedFields(registry, { route: route('GET', '/products'), query: { limit: ['1', '2'] } }),
    ).toEqual(['query.limit']);
    // A required query parameter that is missing.
    expect(refusedFields(registry, { route: route('GET', '/payments') })).toEqual([
      'query.orderId',
    ]);
  });

  it('checks the path parameters the route matched', () => {
    const details = route('GET', '/orders/:id/details');
    expect(refusedFields(registry, { route: details, params: { id: 'nope' } })).toEqual([
      'path.id',
    ]);
    expect(
      refusedFields(registry, {
        route: details,
        params: { id: '019b76da-a800-750f-ab69-9a40c5db3485' },
      }),
    ).toEqual([]);
  });

  it('names a missing required header, and the bad fields deep in a body', () => {
    const fields = refusedFields(registry, {
      route: route('POST', '/orders'),
      headers: { 'content-type': 'application/json' },
      body: { items: [{ productId: 'p', quantity: 0 }], paymentMethod: {} },
    });
    expect(fields).toEqual(
      expect.arrayContaining([
        'header.idempotency-key',
        'body.items[0].quantity',
        'body.paymentMethod.token',
        'body.shippingAddress',
      ]),
    );
  });

  it('refuses a missing or non-object body where one is required', () => {
    expect(refusedFields(registry, { route: route('POST', '/auth/login') })).toEqual(['body']);
    expect(refusedFields(registry, { route: route('POST', '/auth/login'), body: 5 })).toEqual([
      'body',
    ]);
    expect(
      refusedFields(registry, {
        route: route('POST', '/auth/login'),
        body: { email: 'ada@example.com', password: 'correct horse battery staple' },
      }),
    ).toEqual([]);
  });

  it('lets through an operation no document describes: its service validates it', () => {
    const unknown = { method: 'GET', path: '/nowhere', upstream: 'catalog', access: 'public' };
    expect(refusedFields(registry, { route: unknown as Route, query: { any: 'thing' } })).toEqual(
      [],
    );
  });
});
