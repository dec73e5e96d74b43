import { randomUUID } from 'node:crypto';
import { ShopClient } from './shop-client';
import { type OrderView as Order, type PaymentView as Payment } from './shop-views';

/** What goes wrong in the middle of the burst. */
export interface Fault {
  name: string;
  inject(): Promise<void>;
  /** After the burst, e.g. start the broker again; a killed app is restarted by its supervisor. */
  heal?(): Promise<void>;
  /** After the burst: what the fault measured (e.g. how soon a killed app answered again), to print. */
  measurements?(): Promise<string[]>;
}

export interface DrillOptions {
  gatewayUrl: string;
  customer: { email: string; password: string };
  fault: Fault;
  /** Orders in the burst; every fourth is paid with a card that is declined. */
  orders?: number;
  /** The gateway's product cache TTL: stock is read again only after it. */
  productCacheTtlMs?: number;
  /** How long every order may take to reach its final state. */
  settleTimeoutMs?: number;
  report?: (line: string) => void;
}

export interface Invariant {
  name: string;
  ok: boolean;
  detail: string;
}

export interface DrillResult {
  fault: string;
  /** What the fault measured, as printed. */
  measurements: string[];
  orders: { id: string; status: string; reason: string | null; declinedCard: boolean }[];
  invariants: Invariant[];
  ok: boolean;
}

const FINAL = new Set(['APPROVED', 'REJECTED', 'CANCELLED']);
const SAGA_FINAL = new Set(['COMPLETED', 'REJECTED', 'CANCELLED']);
const address = {
  recipient: 'Drill',
  line1: '1 Fault Lane',
  city: 'Paris',
  postalCode: '75001',
  country: 'FR',
};

/**
 * A burst of orders through the gateway with a fault injected half-way,
 * then the invariants that must hold whatever happened: every order ends,
 * each approved order has exactly one capture, no rejected or cancelled one
 * has any, and stock is conserved (what left the shelves is what approved
 * orders bought).
 */
export async function runDrill(options: DrillOptions): Promise<DrillResult> {
  const report = options.report ?? (() => undefined);
  const count = options.orders ?? 12;
  const client = new ShopClient(options.gatewayUrl);
  await client.logIn(options.customer.email, options.customer.password);

  const listing = await client.callUntilAnswered('GET', '/api/v1/products?limit=50');
  const products = ((listing.body as { items: { id: string; available: number }[] }).items ?? [])
    .filter((product) => product.available >= count * 3)
    .slice(0, 2)
    .map((product) => product.id);
  if (products.length < 2)
    throw new Error('the catalog needs two products with enough stock for the drill');
  const [first, second] = products as [string, string];
  const stockBefore = await stockOf(client, products);
  report(`${options.fault.name}: ${count} orders, the fault half-way`);

  let injected: Promise<void> = Promise.resolve();
  const placed = await Promise.all(
    Array.from({ length: count }, async (_, index) => {
      await new Promise((resolve) => setTimeout(resolve, index * 100));
      if (index === Math.floor(count / 2)) {
        report(`injecting: ${options.fault.name}`);
        injected = options.fault.inject();
        // Awaited after the burst; until then a failed injection must not go unhandled.
        injected.catch(() => undefined);
      }
      const declinedCard = index % 4 === 3;
      const key = randomUUID();
      const answer = await client.callUntilAnswered(
        'POST',
        '/api/v1/orders',
        {
          items: [
            { productId: first, quantity: 1 },
            { productId: second, quantity: 1 + (index % 2) },
          ],
          paymentMethod: { token: declinedCard ? 'tok_decline' : 'tok_visa' },
          shippingAddress: address,
        },
        { 'idempotency-key': key },
      );
      return { answer, declinedCard };
    }),
  );
  await injected;
  if (options.fault.heal) {
    report(`healing: ${options.fault.name}`);
    await options.fault.heal();
  }
  const measurements = (await options.fault.measurements?.()) ?? [];
  for (const line of measurements) report(line);

  const accepted = placed.filter(({ answer }) => answer.status === 202);
  const orders = await Promise.all(
    accepted.map(async ({ answer, declinedCard }) => ({
      order: await settled(
        client,
        (answer.body as { orderId: string }).orderId,
        options.settleTimeoutMs ?? 180_000,
      ),
      declinedCard,
    })),
  );
  const payments = await Promise.all(
    orders.map(async ({ order }) => {
      const { status, body } = await client.callUntilAnswered(
        'GET',
        `/api/v1/payments?orderId=${order.id}`,
      );
      return status === 200 ? (body as Payment) : undefined;
    }),
  );
  // The gateway serves product reads from a short cache: read stock after it expired.
  await new Promise((resolve) => setTimeout(resolve, (options.productCacheTtlMs ?? 5_000) + 500));
  const stockAfter = await stockOf(client, products);

  const captures = (payment: Payment | undefined) =>
    payment?.history.filter((transition) => transition.status === 'CAPTURED').length ?? 0;
  const rows = orders.map((row, index) => ({ ...row, payment: payments[index] }));
  const approved = rows.filter(({ order }) => order.status === 'APPROVED');
  const others = rows.filter(({ order }) => order.status !== 'APPROVED');
  const invariants: Invariant[] = [
    {
      name: 'every order was accepted (retried with its Idempotency-Key while a service was down)',
      ok: accepted.length === count,
      detail: `${accepted.length}/${count} accepted`,
    },
    {
      name: 'every order reached a final state',
      ok: rows.every(
        ({ order }) => FINAL.has(order.status) && SAGA_FINAL.has(order.saga?.status ?? ''),
      ),
      detail: summary(rows.map(({ order }) => order.status)),
    },
    {
      name: 'each approved order has exactly one capture',
      ok: approved.every(
        ({ payment }) => payment?.status === 'CAPTURED' && captures(payment) === 1,
      ),
      detail: `${approved.length} approved; captures per order: ${summary(approved.map(({ payment }) => String(captures(payment))))}`,
    },
    {
      name: 'no rejected or cancelled order has a capture',
      ok: others.every(({ payment }) => captures(payment) === 0),
      detail: `${others.length} rejected or cancelled; their payments: ${summary(others.map(({ payment }) => payment?.status ?? 'none'))}`,
    },
    {
      name: 'every declined card ended in a rejected order',
      ok: rows.every(({ order, declinedCard }) => !declinedCard || order.status === 'REJECTED'),
      detail: `${rows.filter(({ declinedCard }) => declinedCard).length} declined cards`,
    },
    ...products.map((productId) => {
      const sold = approved.reduce(
        (sum, { order }) =>
          sum + (order.items.find((item) => item.productId === productId)?.quantity ?? 0),
        0,
      );
      const before = stockBefore.get(productId) ?? 0;
      const after = stockAfter.get(productId) ?? 0;
      return {
        name: `stock of ${productId} is conserved`,
        ok: before - sold === after,
        detail: `${before} before − ${sold} sold to approved orders = ${before - sold}; now ${after}`,
      };
    }),
  ];
  for (const { name, ok, detail } of invariants)
    report(`${ok ? 'ok  ' : 'FAIL'} ${name}: ${detail}`);
  return {
    fault: options.fault.name,
    measurements,
    orders: orders.map(({ order, declinedCard }) => ({
      id: order.id,
      status: order.status,
      reason: order.reason,
      declinedCard,
    })),
    invariants,
    ok: invariants.every((invariant) => invariant.ok),
  };
}

async function stockOf(client: ShopClient, products: string[]): Promise<Map<string, number>> {
  const levels = await Promise.all(
    products.map(async (id) => {
      const { status, body } = await client.callUntilAnswered('GET', `/api/v1/products/${id}`);
      if (status !== 200) throw new Error(`product ${id}: ${status}`);
      return [id, (body as { available: number }).available] as const;
    }),
  );
  return new Map(levels);
}

async function settled(client: ShopClient, orderId: string, timeoutMs: number): Promise<Order> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { status, body } = await client.callUntilAnswered('GET', `/api/v1/orders/${orderId}`);
    const order = body as Order;
    if (status === 200 && FINAL.has(order.status) && SAGA_FINAL.has(order.saga?.status ?? ''))
      return order;
    if (Date.now() > deadline) return order;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

function summary(values: string[]): string {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts].map(([value, count]) => `${count} ${value}`).join(', ') || 'none';
}
