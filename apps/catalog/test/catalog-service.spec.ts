import 'reflect-metadata';
import { type INestApplication } from '@nestjs/common';
import { ProductCreatedV1, ProductPriceChangedV1, StockLowV1, Topics } from '@shop/contracts';
import { InvalidConfigurationError, startService } from '@shop/service-kit';
import { TestKafkaNamespace, TestMongoDatabase, TestTokenIssuer } from '@shop/testing';
import mongoose, { type Connection } from 'mongoose';
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCatalogApp } from '../src/catalog-app';
import { loadCatalogConfig } from '../src/config/catalog-config';
import { CATALOG_MODELS } from '../src/infrastructure/persistence/catalog-database.module';
import { type CategoryDocument } from '../src/infrastructure/persistence/category.schema';
import { type ProductDocument } from '../src/infrastructure/persistence/product.schema';
import { DEMO_PRODUCTS } from '../src/infrastructure/seed/demo-catalog.data';
import { DemoCatalogSeeder } from '../src/infrastructure/seed/demo-catalog.seeder';
import { eventually, freePort, TopicRecorder } from './support/catalog-test-kit';

const committedOpenApi = join(__dirname, '..', 'openapi.json');

interface ProductBody {
  id: string;
  sku: string;
  name: string;
  category: string;
  price: { amount: number; currency: string };
  available: number;
}

describe(`catalog service over HTTP (real ${process.env['MONGODB_SERVER']} and Kafka)`, () => {
  const kafka = new TestKafkaNamespace('catalog-service');
  let database: TestMongoDatabase;
  let connection: Connection;
  let issuer: TestTokenIssuer;
  let app: INestApplication;
  let baseUrl: string;
  let events: TopicRecorder;
  let adminToken: string;
  let customerToken: string;

  const seeder = () =>
    new DemoCatalogSeeder(
      connection.model<ProductDocument>('ProductDocument'),
      connection.model<CategoryDocument>('CategoryDocument'),
      { currency: 'EUR', lowStockThreshold: 5 },
    );

  beforeAll(async () => {
    database = TestMongoDatabase.create('catalog-service');
    connection = await mongoose.createConnection(database.url, { autoIndex: false }).asPromise();
    for (const { name, schema } of CATALOG_MODELS) connection.model(name, schema);
    await seeder().seed();
    issuer = await TestTokenIssuer.start({ issuer: 'http://localhost:3001', audience: 'shop' });
    adminToken = await issuer.issue({ sub: randomUUID(), roles: ['admin'] });
    customerToken = await issuer.issue({ sub: randomUUID(), roles: ['customer'] });
    const port = await freePort();
    app = await createCatalogApp(
      loadCatalogConfig({
        NODE_ENV: 'test',
        PORT: String(port),
        CATALOG_MONGODB_URL: database.url,
        KAFKA_BROKERS: kafka.brokers.join(','),
        KAFKA_TOPIC_PREFIX: kafka.prefix,
        AUTH_JWKS_URL: issuer.jwksUrl,
        AUTH_ISSUER: issuer.issuer,
        AUTH_AUDIENCE: issuer.audience,
        CATALOG_EVENT_SWEEP_INTERVAL_MS: '500',
      }),
    );
    await startService(app, { port, host: '127.0.0.1' });
    baseUrl = `http://127.0.0.1:${port}`;
    events = new TopicRecorder(
      kafka.client,
      kafka.topic(Topics.catalogEvents),
      kafka.groupId('events'),
    );
    await events.start();
  });

  afterAll(async () => {
    await events?.stop();
    await app?.close();
    await issuer?.stop();
    await connection?.close();
    await database?.drop();
    await kafka.cleanup();
  });

  const call = async (method: string, path: string, body?: unknown, token?: string) => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return {
      status: response.status,
      type: response.headers.get('content-type'),
      body: text ? JSON.parse(text) : undefined,
    };
  };

  const newProduct = (overrides: Record<string, unknown> = {}) => ({
    sku: `TST-${randomUUID().slice(0, 8).toUpperCase()}`,
    name: 'Test teapot',
    category: 'coffee',
    price: { amount: 2_500, currency: 'EUR' },
    initialStock: 10,
    ...overrides,
  });

  it('seeds the demo catalog once: a second run adds nothing and keeps ids and stock', async () => {
    const products = connection.model<ProductDocument>('ProductDocument');
    const sku = DEMO_PRODUCTS[0]?.sku ?? '';
    await products.updateOne({ sku }, { $inc: { available: -1 } });
    const before = await products.findOne({ sku }).lean();

    const again = await seeder().seed();

    expect(DEMO_PRODUCTS.length).toBeGreaterThanOrEqual(40);
    expect(again).toEqual({
      categoriesAdded: 0,
      productsAdded: 0,
      productsKept: DEMO_PRODUCTS.length,
    });
    expect(await products.countDocuments({ sku: { $in: DEMO_PRODUCTS.map((p) => p.sku) } })).toBe(
      DEMO_PRODUCTS.length,
    );
    const after = await products.findOne({ sku }).lean();
    expect(after?._id).toBe(DemoCatalogSeeder.productId(sku));
    expect(after?.available).toBe(before?.available);
  });

  it('announces the seeded products on catalog.events (forwarded from the documents)', async () => {
    const created = await events.waitFor(
      (value) => value['type'] === ProductCreatedV1.type,
      DEMO_PRODUCTS.length,
    );

    expect(new Set(created.map((event) => event.data['sku'])).size).toBe(DEMO_PRODUCTS.length);
    // Forwarded events leave their documents (or every sweep would send them again).
    await eventually(
      () =>
        connection
          .model<ProductDocument>('ProductDocument')
          .countDocuments({ 'pendingEvents.envelope.id': { $exists: true } }),
      (left) => left === 0,
    );
  });

  it('lists the categories', async () => {
    const response = await call('GET', '/categories');

    expect(response.status).toBe(200);
    expect(response.body.map((category: { slug: string }) => category.slug).sort()).toEqual([
      'books',
      'coffee',
      'home-office',
      'kitchen',
      'outdoor',
    ]);
  });

  it('pages through the whole catalog by cursor, in name order, without repeats', async () => {
    const seen: ProductBody[] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: { items: ProductBody[]; nextCursor: string | null } } =
        await call('GET', `/products?limit=7${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(7);
      seen.push(...page.body.items);
      cursor = page.body.nextCursor;
    } while (cursor);

    const names = seen.map((product) => product.name);
    expect(new Set(seen.map((product) => product.id)).size).toBe(seen.length);
    expect(seen.length).toBeGreaterThanOrEqual(DEMO_PRODUCTS.length);
    expect(names).toEqual([...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
  });

  it('filters by category and price range, searches by name, and sorts by price', async () => {
    const filtered = await call(
      'GET',
      '/products?category=coffee&minPrice=1000&maxPrice=5000&limit=100',
    );
    const search = await call('GET', '/products?q=KETTLE');
    const byPrice = await call('GET', '/products?sort=-price&limit=5');

    expect(filtered.status).toBe(200);
    expect(filtered.body.items.length).toBeGreaterThan(0);
    for (const product of filtered.body.items as ProductBody[]) {
      expect(product.category).toBe('coffee');
      expect(product.price.amount).toBeGreaterThanOrEqual(1000);
      expect(product.price.amount).toBeLessThanOrEqual(5000);
    }
    expect(search.body.items.map((product: ProductBody) => product.name)).toContain(
      'Gooseneck kettle',
    );
    const prices = byPrice.body.items.map((product: ProductBody) => product.price.amount);
    expect(prices).toEqual([...prices].sort((a, b) => b - a));
    expect(prices[0]).toBe(Math.max(...DEMO_PRODUCTS.map((product) => product.price)));
  });

  it('refuses a cursor of another sort and malformed filters, as problems', async () => {
    const first = await call('GET', '/products?limit=2&sort=price');
    const misused = await call('GET', `/products?sort=name&cursor=${first.body.nextCursor}`);
    const malformed = await call('GET', '/products?minPrice=cheap&sort=random');

    expect(misused.status).toBe(400);
    expect(misused.type).toMatch(/^application\/problem\+json/);
    expect(misused.body.type).toBe('https://shop.example/problems/invalid-cursor');
    expect(malformed.status).toBe(400);
    const fields = malformed.body.errors.map((error: { field: string }) => error.field);
    expect([...new Set(fields)].sort()).toEqual(['minPrice', 'sort']);
  });

  it('shows one product with its available stock, and 404 for an unknown id', async () => {
    const sku = 'COF-PRESS-1L';
    const id = DemoCatalogSeeder.productId(sku);

    const found = await call('GET', `/products/${id}`);
    const missing = await call('GET', `/products/${randomUUID()}`);

    expect(found.status).toBe(200);
    expect(found.body).toMatchObject({
      id,
      sku,
      available: 3,
      price: { amount: 3290, currency: 'EUR' },
    });
    expect(missing.status).toBe(404);
    expect(missing.body.type).toBe('https://shop.example/problems/product-not-found');
  });

  it('looks up the prices of many products in one call, naming the missing ones', async () => {
    const known = ['KIT-PEELER-Y', 'BOK-KNOTS'].map((sku) => DemoCatalogSeeder.productId(sku));
    const unknown = randomUUID();

    const response = await call('POST', '/products/lookup', { ids: [...known, unknown, known[0]] });

    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      items: [
        {
          id: known[0],
          sku: 'KIT-PEELER-Y',
          name: 'Y-peeler',
          price: { amount: 690, currency: 'EUR' },
          available: 200,
        },
        {
          id: known[1],
          sku: 'BOK-KNOTS',
          name: 'The Ashley Book of Knots',
          price: { amount: 3900, currency: 'EUR' },
          available: 4,
        },
      ],
      missing: [unknown],
    });
  });

  it('keeps the admin routes from customers (403) and anonymous callers (401)', async () => {
    const id = DemoCatalogSeeder.productId('KIT-PAN-28');
    const attempts = [
      ['POST', '/products', newProduct()],
      ['PATCH', `/products/${id}`, { name: 'Mine now' }],
      ['DELETE', `/products/${id}`, undefined],
      ['POST', `/products/${id}/stock`, { delta: 100 }],
    ] as const;

    for (const [method, path, body] of attempts) {
      expect((await call(method, path, body, customerToken)).status).toBe(403);
      expect((await call(method, path, body)).status).toBe(401);
    }
    expect((await call('GET', `/products/${id}`)).body.name).toBe('Cast iron skillet 28 cm');
  });

  it('lets an admin create a product (announced), and refuses a taken SKU, an unknown category or another currency', async () => {
    const request = newProduct();

    const created = await call('POST', '/products', request, adminToken);
    const again = await call('POST', '/products', request, adminToken);
    const unknownCategory = await call(
      'POST',
      '/products',
      newProduct({ category: 'garden' }),
      adminToken,
    );
    const dollars = await call(
      'POST',
      '/products',
      newProduct({ price: { amount: 100, currency: 'USD' } }),
      adminToken,
    );
    const invalid = await call(
      'POST',
      '/products',
      { ...newProduct(), price: { amount: 9.99, currency: 'EUR' } },
      adminToken,
    );

    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ sku: request.sku, available: 10, price: request.price });
    expect(again.status).toBe(409);
    expect(again.body.type).toBe('https://shop.example/problems/sku-already-used');
    expect(unknownCategory.status).toBe(422);
    expect(dollars.status).toBe(422);
    expect(invalid.status).toBe(400);
    expect(invalid.body.errors.map((error: { field: string }) => error.field)).toEqual([
      'price.amount',
    ]);
    const [event] = await events.waitFor(
      (value) =>
        value['type'] === ProductCreatedV1.type && value.data['productId'] === created.body.id,
    );
    expect(event).toMatchObject({
      source: 'catalog',
      data: { sku: request.sku, price: request.price },
    });
  });

  it('changes a price and announces the previous one; restocks; deletes', async () => {
    const created = (await call('POST', '/products', newProduct({ initialStock: 7 }), adminToken))
      .body as ProductBody;

    const repriced = await call(
      'PATCH',
      `/products/${created.id}`,
      { price: { amount: 1_999, currency: 'EUR' }, name: 'Renamed teapot' },
      adminToken,
    );
    const restocked = await call('POST', `/products/${created.id}/stock`, { delta: 5 }, adminToken);
    const oversold = await call(
      'POST',
      `/products/${created.id}/stock`,
      { delta: -50 },
      adminToken,
    );
    const zero = await call('POST', `/products/${created.id}/stock`, { delta: 0 }, adminToken);
    const deleted = await call('DELETE', `/products/${created.id}`, undefined, adminToken);

    expect(repriced.status).toBe(200);
    expect(repriced.body).toMatchObject({
      name: 'Renamed teapot',
      price: { amount: 1_999, currency: 'EUR' },
    });
    expect(restocked.body).toEqual({ id: created.id, available: 12, reserved: 0 });
    expect(oversold.status).toBe(409);
    expect(oversold.body.type).toBe('https://shop.example/problems/insufficient-stock');
    expect(zero.status).toBe(400);
    expect(deleted.status).toBe(204);
    expect((await call('GET', `/products/${created.id}`)).status).toBe(404);
    expect((await call('DELETE', `/products/${created.id}`, undefined, adminToken)).status).toBe(
      404,
    );
    const [changed] = await events.waitFor(
      (value) =>
        value['type'] === ProductPriceChangedV1.type && value.data['productId'] === created.id,
    );
    expect(changed?.data).toEqual({
      productId: created.id,
      previousPrice: { amount: 2_500, currency: 'EUR' },
      price: { amount: 1_999, currency: 'EUR' },
    });
  });

  it('sends StockLow once when a write-off crosses the threshold, and again only after a restock', async () => {
    const created = (
      await call(
        'POST',
        '/products',
        newProduct({ initialStock: 10, lowStockThreshold: 3 }),
        adminToken,
      )
    ).body as ProductBody;
    const isLow = (value: { type?: unknown; data: Record<string, unknown> }) =>
      value.type === StockLowV1.type && value.data['productId'] === created.id;

    await call('POST', `/products/${created.id}/stock`, { delta: -8 }, adminToken);
    await call('POST', `/products/${created.id}/stock`, { delta: -1 }, adminToken);
    await call('POST', `/products/${created.id}/stock`, { delta: 9 }, adminToken);
    await call('POST', `/products/${created.id}/stock`, { delta: -9 }, adminToken);

    const lows = await events.waitFor(isLow, 2);
    expect(lows.map((event) => event.data)).toEqual([
      { productId: created.id, available: 2, threshold: 3 },
      { productId: created.id, available: 1, threshold: 3 },
    ]);
  });

  it('answers health and metrics', async () => {
    expect((await call('GET', '/health/live')).body).toEqual({ status: 'ok' });
    expect((await call('GET', '/health/ready')).body).toEqual({
      status: 'ok',
      checks: { database: 'up', kafka: 'up', consumer: expect.stringMatching(/^join(ing|ed)$/) },
    });
    const metrics = await fetch(`${baseUrl}/metrics`);
    expect(metrics.status).toBe(200);
    const text = await metrics.text();
    for (const name of [
      'http_requests_total',
      'outbox_backlog_messages',
      'outbox_oldest_unsent_age_seconds',
      'kafka_consumer_lag_messages',
      'messages_consumed_total',
    ]) {
      expect(text).toContain(`# TYPE ${name} `);
    }
  });

  it('serves its OpenAPI document, as committed (UPDATE_OPENAPI=1 rewrites apps/catalog/openapi.json)', async () => {
    const served = await call('GET', '/docs-json');
    const rendered = `${JSON.stringify(served.body, null, 2)}\n`;
    if (process.env['UPDATE_OPENAPI'] === '1') writeFileSync(committedOpenApi, rendered);

    expect(served.status).toBe(200);
    expect(Object.keys(served.body.paths)).toEqual(
      expect.arrayContaining([
        '/products',
        '/products/lookup',
        '/products/{id}',
        '/products/{id}/stock',
        '/categories',
      ]),
    );
    expect(readFileSync(committedOpenApi, 'utf8')).toBe(rendered);
  });
});

describe('catalog service configuration', () => {
  it('names every missing or bad variable in one message', () => {
    const message = (() => {
      try {
        loadCatalogConfig({
          PORT: 'eighty',
          CATALOG_MONGODB_URL: 'postgres://db/catalog',
          CATALOG_CURRENCY: 'euro',
        });
      } catch (error) {
        expect(error).toBeInstanceOf(InvalidConfigurationError);
        return (error as Error).message;
      }
      throw new Error('the configuration was accepted');
    })();

    for (const name of ['PORT', 'CATALOG_MONGODB_URL', 'KAFKA_BROKERS', 'CATALOG_CURRENCY']) {
      expect(message).toContain(name);
    }
  });
});
