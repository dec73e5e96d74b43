import {
  type OrderView as Order,
  type PaymentView as Payment,
  type ProductView as Product,
  ShopClient,
} from '@shop/drills';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CUSTOMER, type IsolatedSystem, startIsolatedSystem } from './support/isolated-system';

const address = {
  recipient: 'Ada Lovelace',
  line1: '12 St James Square',
  city: 'London',
  postalCode: 'SW1Y 4JH',
  country: 'GB',
};

/**
 * The shop end to end, as a customer sees it: every app its own process,
 * real servers, and only the public API through the gateway.
 */
describe('the shop end to end (five processes, through the gateway only)', () => {
  let shop: IsolatedSystem;
  let customer: ShopClient;
  let plentiful: Product;
  let soldOut: Product;

  beforeAll(async () => {
    // No product cache: stock read right after an order must be the catalog's.
    // Info logs, no trace exporter: the default a team runs before it sets up a collector.
    const info = { LOG_LEVEL: 'info' };
    shop = await startIsolatedSystem('shop-e2e', {
      appEnv: {
        gateway: { ...info, PRODUCT_CACHE_TTL_MS: '1' },
        user: info,
        catalog: info,
        order: info,
        payment: info,
      },
    });
    customer = new ShopClient(shop.gatewayUrl);
    const email = `ada-${randomUUID()}@example.com`;
    const password = 'analytical-engine-1843';
    const registered = await customer.call('POST', '/api/v1/auth/register', {
      email,
      password,
      name: 'Ada',
    });
    expect(registered.status).toBe(201);
    await customer.logIn(email, password);
    const { body } = await customer.call('GET', '/api/v1/products?limit=50');
    const products = (body as { items: Product[] }).items;
    plentiful = products.find((product) => product.available >= 20) as Product;
    soldOut = products.find((product) => product.available === 0) as Product;
    expect(plentiful).toBeDefined();
    expect(soldOut).toBeDefined();
  });

  afterAll(() => shop?.stop());

  const available = async (productId: string) =>
    ((await customer.call('GET', `/api/v1/products/${productId}`)).body as Product).available;

  const place = async (
    items: { productId: string; quantity: number }[],
    token = 'tok_visa',
    key = randomUUID(),
  ) =>
    customer.call(
      'POST',
      '/api/v1/orders',
      { items, paymentMethod: { token }, shippingAddress: address },
      { 'idempotency-key': key },
    );

  const settled = async (orderId: string): Promise<Order> => {
    for (let attempt = 0; attempt < 240; attempt += 1) {
      const order = (await customer.call('GET', `/api/v1/orders/${orderId}`)).body as Order;
      if (
        order.status !== 'PENDING' &&
        ['COMPLETED', 'REJECTED', 'CANCELLED'].includes(order.saga?.status ?? '')
      )
        return order;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    throw new Error(`order ${orderId} did not settle`);
  };

  const paymentOf = async (orderId: string): Promise<Payment | undefined> => {
    const { status, body } = await customer.call('GET', `/api/v1/payments?orderId=${orderId}`);
    return status === 200 ? (body as Payment) : undefined;
  };

  it('browses: products, one product with its stock, categories', async () => {
    const product = await customer.call('GET', `/api/v1/products/${plentiful.id}`);
    expect(product.status).toBe(200);
    expect(product.body).toMatchObject({ id: plentiful.id, available: expect.any(Number) });
    const categories = await customer.call('GET', '/api/v1/categories');
    expect((categories.body as unknown[]).length).toBeGreaterThan(0);
  });

  it('places an order that ends APPROVED, with one captured payment and the stock consumed', async () => {
    const before = await available(plentiful.id);
    const placed = await place([{ productId: plentiful.id, quantity: 2 }]);
    expect(placed.status).toBe(202);
    const order = await settled((placed.body as { orderId: string }).orderId);
    expect(order.status).toBe('APPROVED');
    const payment = await paymentOf(order.id);
    expect(payment?.status).toBe('CAPTURED');
    expect(payment?.history.filter(({ status }) => status === 'CAPTURED')).toHaveLength(1);
    expect(await available(plentiful.id)).toBe(before - 2);
  });

  it('without a trace exporter, still gives one order one trace id in every service’s logs', async () => {
    const requestId = `shop-e2e-${randomUUID()}`;
    const placed = await customer.call(
      'POST',
      '/api/v1/orders',
      {
        items: [{ productId: plentiful.id, quantity: 1 }],
        paymentMethod: { token: 'tok_visa' },
        shippingAddress: address,
      },
      { 'idempotency-key': randomUUID(), 'x-request-id': requestId },
    );
    const order = await settled((placed.body as { orderId: string }).orderId);
    const linesOf = (app: string) =>
      readFileSync(join(shop.logDirectory, `${app}.log`), 'utf8')
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>);
    // The request at the gateway and the order service; the saga's messages everywhere.
    const traceIds = {
      gateway: linesOf('gateway').filter((line) => line['requestId'] === requestId),
      order: linesOf('order').filter(
        (line) => line['requestId'] === requestId || line['orderId'] === order.id,
      ),
      catalog: linesOf('catalog').filter((line) => line['orderId'] === order.id),
      payment: linesOf('payment').filter((line) => line['orderId'] === order.id),
    };
    const seen = Object.fromEntries(
      Object.entries(traceIds).map(([app, lines]) => [
        app,
        [...new Set(lines.map((line) => line['trace_id']))],
      ]),
    );
    const [traceId] = seen['gateway'] as [string];
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(seen).toEqual({
      gateway: [traceId],
      order: [traceId],
      catalog: [traceId],
      payment: [traceId],
    });
  });

  it('a declined card ends REJECTED: the stock is back, nothing is captured', async () => {
    const before = await available(plentiful.id);
    const placed = await place([{ productId: plentiful.id, quantity: 3 }], 'tok_decline');
    const order = await settled((placed.body as { orderId: string }).orderId);
    expect(order.status).toBe('REJECTED');
    expect(order.reason).toContain('declined');
    expect((await paymentOf(order.id))?.status).toBe('DECLINED');
    expect(await available(plentiful.id)).toBe(before);
  });

  it('an order short of stock ends REJECTED, and no payment is ever made', async () => {
    const placed = await place([{ productId: soldOut.id, quantity: 1 }]);
    const order = await settled((placed.body as { orderId: string }).orderId);
    expect(order.status).toBe('REJECTED');
    expect(order.reason).toContain('out of stock');
    expect(await paymentOf(order.id)).toBeUndefined();
  });

  it('cancelling a PENDING order ends it CANCELLED, with the stock back and nothing captured', async () => {
    const before = await available(plentiful.id);
    // The provider never answers this card: the order stays PENDING long enough to cancel.
    const placed = await place([{ productId: plentiful.id, quantity: 1 }], 'tok_timeout');
    const orderId = (placed.body as { orderId: string }).orderId;
    const cancelled = await customer.call('POST', `/api/v1/orders/${orderId}/cancel`);
    expect(cancelled.status).toBe(202);
    const order = await settled(orderId);
    expect(order.status).toBe('CANCELLED');
    const payment = await paymentOf(orderId);
    expect(payment?.history.some(({ status }) => status === 'CAPTURED') ?? false).toBe(false);
    expect(await available(plentiful.id)).toBe(before);
  });

  it('a repeated Idempotency-Key returns the same order', async () => {
    const key = randomUUID();
    const first = await place([{ productId: plentiful.id, quantity: 1 }], 'tok_visa', key);
    const again = await place([{ productId: plentiful.id, quantity: 1 }], 'tok_visa', key);
    expect(again.status).toBe(202);
    expect(again.body).toEqual(first.body);
    const orders = (await customer.call('GET', '/api/v1/orders?limit=100')).body as {
      items: { id: string }[];
    };
    expect(
      orders.items.filter(({ id }) => id === (first.body as { orderId: string }).orderId),
    ).toHaveLength(1);
  });

  it("someone else's order is 404, also its payment and its details", async () => {
    const placed = await place([{ productId: plentiful.id, quantity: 1 }]);
    const orderId = (placed.body as { orderId: string }).orderId;
    const stranger = new ShopClient(shop.gatewayUrl);
    await stranger.logIn(CUSTOMER.email, CUSTOMER.password);
    expect((await stranger.call('GET', `/api/v1/orders/${orderId}`)).status).toBe(404);
    expect((await stranger.call('GET', `/api/v1/orders/${orderId}/details`)).status).toBe(404);
    expect((await stranger.call('GET', `/api/v1/payments?orderId=${orderId}`)).status).toBe(404);
    expect((await stranger.call('POST', `/api/v1/orders/${orderId}/cancel`)).status).toBe(404);
  });
});
