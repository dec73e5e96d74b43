import { MongoClient } from 'mongodb';
import { Client } from 'pg';

/** A product's stock counters, as the catalog stores them. */
export interface StockCounters {
  available: number;
  reserved: number;
  sold: number;
}

export type StockSnapshot = ReadonlyMap<string, StockCounters>;

export interface Invariant {
  name: string;
  ok: boolean;
  detail: string;
}

export interface RunDatabases {
  ordersUrl: string;
  paymentsUrl: string;
  catalogUrl: string;
}

/** Every product's counters, read from the catalog's database (no cache in between). */
export async function stockSnapshot(catalogUrl: string): Promise<StockSnapshot> {
  const client = await MongoClient.connect(catalogUrl);
  try {
    const products = await client
      .db()
      .collection<{ _id: string } & StockCounters>('products')
      .find({}, { projection: { available: 1, reserved: 1, sold: 1 } })
      .toArray();
    return new Map(
      products.map(({ _id, available, reserved, sold }) => [
        _id,
        { available, reserved: reserved ?? 0, sold: sold ?? 0 },
      ]),
    );
  } finally {
    await client.close();
  }
}

async function query<T>(url: string, sql: string): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

const SAGA_ENDED = ['COMPLETED', 'REJECTED', 'CANCELLED'];

/**
 * Waits until no saga runs any more: an order is final for its customer at
 * OrderApproved, but its saga still commits the stock after. Returns how many
 * still run at the deadline.
 */
export async function sagasEnded(ordersUrl: string, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [row] = await query<{ running: number }>(
      ordersUrl,
      `SELECT count(*)::int AS running FROM saga_instances WHERE NOT status = ANY('{${SAGA_ENDED.join(',')}}')`,
    );
    const running = row?.running ?? 0;
    if (running === 0 || Date.now() > deadline) return running;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/**
 * What must hold after any run (call it once sagasEnded), read from the services' own databases: every
 * order final, one capture per approved order and none for the others, and per
 * product the stock conserved (what left `available` is what approved orders
 * bought, nothing stays held, nothing went below zero). `restocked`: units the
 * benchmark itself added or removed after `before` was taken.
 */
export async function checkInvariants(
  databases: RunDatabases,
  before: StockSnapshot,
  restocked: ReadonlyMap<string, number>,
): Promise<Invariant[]> {
  const [orders, sagas, captures, bought, after] = await Promise.all([
    query<{ id: string; status: string }>(databases.ordersUrl, 'SELECT id, status FROM orders'),
    query<{ status: string; count: number }>(
      databases.ordersUrl,
      'SELECT status, count(*)::int AS count FROM saga_instances GROUP BY status',
    ),
    query<{ order_id: string; captures: number }>(
      databases.paymentsUrl,
      `SELECT p.order_id, count(t.payment_id) FILTER (WHERE t.status = 'CAPTURED')::int AS captures
         FROM payments p LEFT JOIN payment_transitions t ON t.payment_id = p.id
        GROUP BY p.order_id`,
    ),
    query<{ product_id: string; quantity: number }>(
      databases.ordersUrl,
      `SELECT i.product_id, sum(i.quantity)::int AS quantity
         FROM order_items i JOIN orders o ON o.id = i.order_id
        WHERE o.status = 'APPROVED' GROUP BY i.product_id`,
    ),
    stockSnapshot(databases.catalogUrl),
  ]);
  const byStatus = countBy(orders.map(({ status }) => status));
  const sagaStatuses = new Map(sagas.map(({ status, count }) => [status, count]));
  const sagasRunning = sagas
    .filter(({ status }) => !SAGA_ENDED.includes(status))
    .reduce((sum, { count }) => sum + count, 0);
  const capturesOf = new Map(captures.map(({ order_id, captures: n }) => [order_id, n]));
  const approved = orders.filter(({ status }) => status === 'APPROVED');
  const others = orders.filter(({ status }) => status !== 'APPROVED');
  const approvedCaptures = countBy(approved.map(({ id }) => String(capturesOf.get(id) ?? 0)));
  const capturedOthers = others.filter(({ id }) => (capturesOf.get(id) ?? 0) > 0);

  const boughtOf = new Map(bought.map(({ product_id, quantity }) => [product_id, quantity]));
  const stockProblems: string[] = [];
  for (const [productId, start] of before) {
    const end = after.get(productId);
    if (!end) {
      stockProblems.push(`${productId} disappeared`);
      continue;
    }
    const added = restocked.get(productId) ?? 0;
    const sold = end.sold - start.sold;
    const expectedAvailable = start.available + added - (boughtOf.get(productId) ?? 0);
    if (sold !== (boughtOf.get(productId) ?? 0))
      stockProblems.push(
        `${productId}: sold ${sold}, approved orders bought ${boughtOf.get(productId) ?? 0}`,
      );
    if (end.available !== expectedAvailable)
      stockProblems.push(`${productId}: available ${end.available}, expected ${expectedAvailable}`);
    if (end.reserved !== start.reserved)
      stockProblems.push(`${productId}: ${end.reserved - start.reserved} units still held`);
    if (end.available < 0) stockProblems.push(`${productId}: available ${end.available} < 0`);
  }
  return [
    {
      name: 'every order reached a final state, and its saga ended',
      ok: orders.length > 0 && (byStatus.get('PENDING') ?? 0) === 0 && sagasRunning === 0,
      detail: `orders ${describeCounts(byStatus)}; sagas ${describeCounts(sagaStatuses)}`,
    },
    {
      name: 'each approved order has exactly one capture',
      ok: approved.every(({ id }) => capturesOf.get(id) === 1),
      detail: `${approved.length} approved; captures per order: ${describeCounts(approvedCaptures)}`,
    },
    {
      name: 'no rejected or cancelled order has a capture',
      ok: capturedOthers.length === 0,
      detail: `${others.length} not approved, ${capturedOthers.length} of them captured`,
    },
    {
      name: 'stock is conserved for every product',
      ok: stockProblems.length === 0,
      detail:
        stockProblems.length === 0
          ? `${before.size} products: sold = bought by approved orders, none held, none below zero`
          : stockProblems.slice(0, 5).join('; '),
    },
  ];
}

function countBy(values: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return counts;
}

function describeCounts(counts: ReadonlyMap<string, number>): string {
  return (
    [...counts]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([value, count]) => `${count}× ${value}`)
      .join(', ') || 'none'
  );
}
