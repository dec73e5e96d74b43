import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * The fake payment provider's own records (see FakePaymentProvider): what it
 * did under each idempotency key. Kept in a table rather than in memory so
 * that a restarted service still finds the authorizations of lost answers,
 * as a real provider would. A real provider adapter needs no table.
 */
export class CreateFakeProviderOperations1764201604100 implements MigrationInterface {
  name = 'CreateFakeProviderOperations1764201604100';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE fake_provider_operations (
        idempotency_key text PRIMARY KEY,
        operation text NOT NULL
          CHECK (operation IN ('authorize', 'capture', 'void', 'refund', 'reverse')),
        reference text NOT NULL UNIQUE,
        outcome text NOT NULL,
        authorization_reference text,
        payment_method_token text,
        amount bigint,
        currency char(3),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE fake_provider_operations');
  }
}
