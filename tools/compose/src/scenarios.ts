import {
  type OrderView as Order,
  type PaymentView as Payment,
  type ProductView as Product,
  ShopClient,
} from '@shop/drills';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { log } from './log';

const address = {
  recipient: 'Ada Lovelace',
  line1: '12 St James Square',
  city: 'London',
  postalCode: 'SW1Y 4JH',
  country: 'GB',
};

/** A customer registered through the gateway, kept to check that a second `up` keeps them. */
export interface RegisteredCustomer {
  email: string;
  password: string;
  /** A token issued before the restart: still valid after it if the signing key was kept. */
  token: string;
  approvedOrderId: string;
}

/** The shop as a customer sees it through the published gateway; each scenario asserts what it shows. */
export class ShopScenarios {
  private readonly customer: ShopClient;
  private readonly results: { name: string; ok: boolean; detail?: string }[] = [];

  constructor(
    private readonly gatewayUrl: string,
    private readonly demoCustomer: { email: string; password: string },
  ) {
    this.customer = new ShopClient(gatewayUrl);
  }

  /** Runs every scenario; returns the customer they registered. Throws after all ran if one failed. */
  async runAll(): Promise<RegisteredCustomer> {
    const email = `compose-${randomUUID()}@example.com`;
    const password = 'analytical-engine-1843';
    await this.scenario('registers a customer and logs them in', async () => {
      const registered = await this.customer.call('POST', '/api/v1/auth/register', {
        email,
        password,
        name: 'Ada',
      });
      assert.equal(registered.status, 201, JSON.stringify(registered.body));
      await this.customer.logIn(email, password);
      const orders = await this.customer.call('GET', '/api/v1/orders');
      assert.equal(orders.status, 200);
    });
    const product = await this.plentifulProduct();
    let approvedOrderId = '';
    await this.scenario(
      'an order ends APPROVED with exactly one capture, its stock consumed',
      async () => {
        const before = await this.available(product.id);
        const order = await this.settled(await this.place(product.id, 2, 'tok_visa'));
        assert.equal(order.status, 'APPROVED', JSON.stringify(order));
        const payment = await this.paymentOf(order.id);
        assert.equal(payment?.status, 'CAPTURED');
        assert.equal(payment?.history.filter(({ status }) => status === 'CAPTURED').length, 1);
        assert.equal(await this.available(product.id), before - 2);
        approvedOrderId = order.id;
      },
    );
    await this.scenario(
      'a declined card ends REJECTED, nothing captured, the stock back',
      async () => {
        const before = await this.available(product.id);
        const order = await this.settled(await this.place(product.id, 3, 'tok_decline'));
        assert.equal(order.status, 'REJECTED');
        assert.match(order.reason ?? '', /declined/);
        assert.equal((await this.paymentOf(order.id))?.status, 'DECLINED');
        assert.equal(await this.available(product.id), before);
      },
    );
    await this.scenario(
      "someone else's order is 404: the order, its details, its payment",
      async () => {
        assert.ok(approvedOrderId, 'needs the approved order of the scenario above');
        const stranger = new ShopClient(this.gatewayUrl);
        await stranger.logIn(this.demoCustomer.email, this.demoCustomer.password);
        for (const path of [
          `/api/v1/orders/${approvedOrderId}`,
          `/api/v1/orders/${approvedOrderId}/details`,
          `/api/v1/payments?orderId=${approvedOrderId}`,
        ]) {
          assert.equal((await stranger.call('GET', path)).status, 404, path);
        }
      },
    );
    await this.scenario(
      'the gateway composes order, products and payment in one answer',
      async () => {
        const details = await this.customer.call(
          'GET',
          `/api/v1/orders/${approvedOrderId}/details`,
        );
        assert.equal(details.status, 200);
        const body = details.body as {
          order: Order;
          products: Product[] | null;
          payment: Payment | null;
          unavailable: string[];
        };
        assert.equal(body.order.id, approvedOrderId);
        assert.equal(body.order.status, 'APPROVED');
        assert.deepEqual(
          body.products?.map(({ id }) => id),
          [product.id],
        );
        assert.equal(body.payment?.orderId, approvedOrderId);
        assert.equal(body.payment?.status, 'CAPTURED');
        assert.deepEqual(body.unavailable, []);
      },
    );
    this.throwIfFailed();
    return { email, password, token: this.customer.accessToken, approvedOrderId };
  }

  /**
   * After `down` and a second `up` on the same volumes: the customer and their
   * order are still there (the databases were kept), and the token issued
   * before is still accepted (the signing key was kept).
   */
  async checkKept(customer: RegisteredCustomer): Promise<void> {
    await this.scenario('a token issued before the restart is still valid', async () => {
      const withOldToken = new ShopClient(this.gatewayUrl, customer.token);
      const order = await withOldToken.callUntilAnswered(
        'GET',
        `/api/v1/orders/${customer.approvedOrderId}`,
      );
      assert.equal(order.status, 200, JSON.stringify(order.body));
      assert.equal((order.body as Order).status, 'APPROVED');
    });
    await this.scenario('the customer registered before the restart logs in', async () => {
      const again = new ShopClient(this.gatewayUrl);
      await again.logIn(customer.email, customer.password);
      const payment = await again.call(
        'GET',
        `/api/v1/payments?orderId=${customer.approvedOrderId}`,
      );
      assert.equal((payment.body as Payment).status, 'CAPTURED');
    });
    this.throwIfFailed();
  }

  private async scenario(name: string, body: () => Promise<void>): Promise<void> {
    try {
      await body();
      this.results.push({ name, ok: true });
      log(`ok   ${name}`);
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      this.results.push({ name, ok: false, detail });
      log(`FAIL ${name}: ${detail}`);
    }
  }

  private throwIfFailed(): void {
    const failed = this.results.filter(({ ok }) => !ok);
    if (failed.length > 0) {
      throw new Error(
        `${failed.length} scenario(s) failed: ${failed.map(({ name }) => name).join('; ')}`,
      );
    }
  }

  private async plentifulProduct(): Promise<Product> {
    const { body } = await this.customer.callUntilAnswered('GET', '/api/v1/products?limit=50');
    const product = (body as { items: Product[] }).items.find(({ available }) => available >= 20);
    if (!product) throw new Error('the seeded catalog has no product with 20 in stock');
    return product;
  }

  private async available(productId: string): Promise<number> {
    // The gateway caches product reads briefly: read the stock after that cache expired.
    await sleep(PRODUCT_CACHE_TTL_MS + 500);
    const { body } = await this.customer.callUntilAnswered('GET', `/api/v1/products/${productId}`);
    return (body as Product).available;
  }

  private async place(productId: string, quantity: number, card: string): Promise<string> {
    const placed = await this.customer.call(
      'POST',
      '/api/v1/orders',
      {
        items: [{ productId, quantity }],
        paymentMethod: { token: card },
        shippingAddress: address,
      },
      { 'idempotency-key': randomUUID() },
    );
    assert.equal(placed.status, 202, JSON.stringify(placed.body));
    return (placed.body as { orderId: string }).orderId;
  }

  private async settled(orderId: string): Promise<Order> {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const { body } = await this.customer.callUntilAnswered('GET', `/api/v1/orders/${orderId}`);
      const order = body as Order;
      const sagaDone = ['COMPLETED', 'REJECTED', 'CANCELLED'].includes(order.saga?.status ?? '');
      if (order.status !== 'PENDING' && sagaDone) return order;
      if (Date.now() > deadline)
        throw new Error(`order ${orderId} did not settle: ${order.status}`);
      await sleep(250);
    }
  }

  private async paymentOf(orderId: string): Promise<Payment | undefined> {
    const { status, body } = await this.customer.call('GET', `/api/v1/payments?orderId=${orderId}`);
    return status === 200 ? (body as Payment) : undefined;
  }
}

/** The gateway's default product cache (PRODUCT_CACHE_TTL_MS, unset in docker-compose.yml). */
export const PRODUCT_CACHE_TTL_MS = 5_000;
