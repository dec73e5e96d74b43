import { type EntityManager } from 'typeorm';
import {
  Order,
  type OrderSnapshot,
  type OrderStatus,
  type ShippingAddress,
} from '../../domain/order';

interface OrderRow {
  id: string;
  customer_id: string;
  status: OrderStatus;
  total_amount: string;
  currency: string;
  shipping_address: ShippingAddress;
  reason: string | null;
  created_at: Date;
  updated_at: Date;
}

interface ItemRow {
  order_id: string;
  product_id: string;
  sku: string;
  name: string;
  quantity: number;
  unit_amount: string;
  currency: string;
}

/** Orders and their line items, in the caller's transaction (its EntityManager). */
export class OrderTypeormRepository {
  constructor(private readonly manager: EntityManager) {}

  async insert(order: Order): Promise<void> {
    const snapshot = order.snapshot();
    await this.manager.query(
      `INSERT INTO orders (id, customer_id, status, total_amount, currency, shipping_address, reason, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        snapshot.id,
        snapshot.customerId,
        snapshot.status,
        snapshot.total.amount,
        snapshot.total.currency,
        JSON.stringify(snapshot.shippingAddress),
        snapshot.reason,
        snapshot.createdAt,
        snapshot.updatedAt,
      ],
    );
    const values: unknown[] = [];
    const rows = snapshot.items.map((item, index) => {
      values.push(
        snapshot.id,
        index + 1,
        item.productId,
        item.sku,
        item.name,
        item.quantity,
        item.unitPrice.amount,
        item.unitPrice.currency,
      );
      const first = index * 8;
      return `(${Array.from({ length: 8 }, (_, column) => `$${first + column + 1}`).join(', ')})`;
    });
    await this.manager.query(
      `INSERT INTO order_items (order_id, line_no, product_id, sku, name, quantity, unit_amount, currency)
       VALUES ${rows.join(', ')}`,
      values,
    );
  }

  /** Saves a status change (load the order with `lock` first). */
  async saveStatus(order: Order): Promise<void> {
    const { id, status, reason, updatedAt } = order.snapshot();
    await this.manager.query(
      'UPDATE orders SET status = $2, reason = $3, updated_at = $4 WHERE id = $1',
      [id, status, reason, updatedAt],
    );
  }

  async findById(id: string, options: { lock?: boolean } = {}): Promise<Order | undefined> {
    const rows: OrderRow[] = await this.manager.query(
      `SELECT * FROM orders WHERE id = $1${options.lock ? ' FOR UPDATE' : ''}`,
      [id],
    );
    const row = rows[0];
    if (!row) return undefined;
    const items: ItemRow[] = await this.manager.query(
      'SELECT * FROM order_items WHERE order_id = $1 ORDER BY line_no',
      [id],
    );
    return Order.restore(toSnapshot(row, items));
  }

  /** A customer's orders, newest first, after the cursor (an order id). */
  async listOf(customerId: string, after: string | undefined, limit: number): Promise<Order[]> {
    const rows: OrderRow[] = await this.manager.query(
      `SELECT * FROM orders WHERE customer_id = $1 AND ($2::uuid IS NULL OR id < $2::uuid)
       ORDER BY id DESC LIMIT $3`,
      [customerId, after ?? null, limit],
    );
    if (rows.length === 0) return [];
    const items: ItemRow[] = await this.manager.query(
      'SELECT * FROM order_items WHERE order_id = ANY($1::uuid[]) ORDER BY order_id, line_no',
      [rows.map((row) => row.id)],
    );
    return rows.map((row) =>
      Order.restore(
        toSnapshot(
          row,
          items.filter((item) => item.order_id === row.id),
        ),
      ),
    );
  }
}

function toSnapshot(row: OrderRow, items: ItemRow[]): OrderSnapshot {
  return {
    id: row.id,
    customerId: row.customer_id,
    status: row.status,
    items: items.map((item) => ({
      productId: item.product_id,
      sku: item.sku,
      name: item.name,
      quantity: item.quantity,
      unitPrice: { amount: Number(item.unit_amount), currency: item.currency },
    })),
    total: { amount: Number(row.total_amount), currency: row.currency },
    shippingAddress: row.shipping_address,
    reason: row.reason,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
