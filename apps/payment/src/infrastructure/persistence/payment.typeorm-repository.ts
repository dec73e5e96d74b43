import { type EntityManager } from 'typeorm';
import { Payment, type PaymentTransition } from '../../domain/payment';
import { type AuthorizationFailureReason, type PaymentStatus } from '../../domain/payment-status';

interface PaymentRow {
  id: string;
  order_id: string;
  customer_id: string;
  /** bigint: node-postgres returns it as a string. */
  amount: string;
  currency: string;
  status: PaymentStatus;
  failure_reason: AuthorizationFailureReason | null;
  failure_message: string | null;
}

interface TransitionRow {
  payment_id: string;
  status: PaymentStatus;
  provider_reference: string | null;
  reason: string | null;
  occurred_at: Date;
}

/** Another transaction stored a newer version meanwhile: a transient error, retried by the caller. */
export class PaymentVersionConflictError extends Error {
  constructor(paymentId: string, expectedVersion: number) {
    super(`payment ${paymentId} is no longer at version ${expectedVersion}`);
    this.name = 'PaymentVersionConflictError';
  }
}

/** Payments and their transitions in PostgreSQL, always through the caller's EntityManager (its transaction). */
export class PaymentTypeormRepository {
  constructor(private readonly manager: EntityManager) {}

  /**
   * Serialises every command about one order until the transaction ends, in
   * every replica: the first one decides, the duplicates then find its result.
   * (A transaction-scoped advisory lock, since an order's first command has no
   * row to lock yet.)
   */
  async lockOrder(orderId: string): Promise<void> {
    await this.manager.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [
      `payment-order:${orderId}`,
    ]);
  }

  async findByOrderId(orderId: string): Promise<Payment | undefined> {
    const rows: PaymentRow[] = await this.manager.query(
      'SELECT * FROM payments WHERE order_id = $1',
      [orderId],
    );
    return this.withHistory(rows[0]);
  }

  async findById(id: string): Promise<Payment | undefined> {
    const rows: PaymentRow[] = await this.manager.query('SELECT * FROM payments WHERE id = $1', [
      id,
    ]);
    return this.withHistory(rows[0]);
  }

  /** A new payment with its first transition; the unique index refuses a second one for the order. */
  async insert(payment: Payment): Promise<void> {
    const failure = payment.failure;
    const [first] = payment.history;
    await this.manager.query(
      `INSERT INTO payments (id, order_id, customer_id, amount, currency, status, failure_reason,
         failure_message, version, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)`,
      [
        payment.id,
        payment.orderId,
        payment.customerId,
        payment.amount.amount,
        payment.amount.currency,
        payment.status,
        failure?.reason ?? null,
        failure?.message ?? null,
        payment.version,
        first?.occurredAt,
      ],
    );
    await this.appendTransitions(payment);
  }

  /** Stores the transitions made since the payment was loaded, if nobody stored others meanwhile. */
  async update(payment: Payment): Promise<void> {
    const transitions = payment.unsavedTransitions;
    const last = transitions[transitions.length - 1];
    if (!last) return;
    const [updated]: [unknown[], number] = await this.manager.query(
      `UPDATE payments SET status = $2, version = $3, updated_at = $4
       WHERE id = $1 AND version = $5 RETURNING id`,
      [payment.id, payment.status, payment.version, last.occurredAt, payment.storedVersion],
    );
    if (updated.length === 0)
      throw new PaymentVersionConflictError(payment.id, payment.storedVersion);
    await this.appendTransitions(payment);
  }

  private async appendTransitions(payment: Payment): Promise<void> {
    let sequence = payment.storedVersion;
    for (const transition of payment.unsavedTransitions) {
      sequence += 1;
      await this.manager.query(
        `INSERT INTO payment_transitions (payment_id, sequence, status, provider_reference, reason, occurred_at)
         VALUES ($1, $2, $3, $4, $5, $6)`,
        [
          payment.id,
          sequence,
          transition.status,
          transition.providerReference,
          transition.reason,
          transition.occurredAt,
        ],
      );
    }
  }

  private async withHistory(row: PaymentRow | undefined): Promise<Payment | undefined> {
    if (!row) return undefined;
    const transitions: TransitionRow[] = await this.manager.query(
      'SELECT * FROM payment_transitions WHERE payment_id = $1 ORDER BY sequence',
      [row.id],
    );
    return Payment.restore({
      id: row.id,
      orderId: row.order_id,
      customerId: row.customer_id,
      amount: { amount: Number(row.amount), currency: row.currency },
      status: row.status,
      failure:
        row.failure_reason && row.failure_message
          ? { reason: row.failure_reason, message: row.failure_message }
          : null,
      history: transitions.map((transition): PaymentTransition => ({
        status: transition.status,
        occurredAt: transition.occurred_at,
        providerReference: transition.provider_reference,
        reason: transition.reason,
      })),
    });
  }
}
