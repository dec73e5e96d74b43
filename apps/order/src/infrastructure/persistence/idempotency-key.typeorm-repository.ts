import { type EntityManager, QueryFailedError } from 'typeorm';

export interface StoredIdempotencyKey {
  requestHash: string;
  orderId: string;
}

const UNIQUE_VIOLATION = '23505';

/** The first answer to each (customer, Idempotency-Key), kept with a hash of its request. */
export class IdempotencyKeyTypeormRepository {
  constructor(private readonly manager: EntityManager) {}

  async find(customerId: string, key: string): Promise<StoredIdempotencyKey | undefined> {
    const rows: { request_hash: string; order_id: string }[] = await this.manager.query(
      'SELECT request_hash, order_id FROM idempotency_keys WHERE customer_id = $1 AND key = $2',
      [customerId, key],
    );
    const row = rows[0];
    return row ? { requestHash: row.request_hash, orderId: row.order_id } : undefined;
  }

  /**
   * Claims the key for this order. Under a concurrent request with the same
   * key, the insert waits for the other transaction and, if it committed,
   * fails with a unique violation: answered `false` (the caller rolls back).
   */
  async claim(
    customerId: string,
    key: string,
    requestHash: string,
    orderId: string,
  ): Promise<boolean> {
    try {
      await this.manager.query('SAVEPOINT claim_idempotency_key');
      await this.manager.query(
        'INSERT INTO idempotency_keys (customer_id, key, request_hash, order_id) VALUES ($1, $2, $3, $4)',
        [customerId, key, requestHash, orderId],
      );
      await this.manager.query('RELEASE SAVEPOINT claim_idempotency_key');
      return true;
    } catch (error) {
      if (
        error instanceof QueryFailedError &&
        (error.driverError as { code?: string }).code === UNIQUE_VIOLATION
      ) {
        await this.manager.query('ROLLBACK TO SAVEPOINT claim_idempotency_key');
        return false;
      }
      throw error;
    }
  }
}
