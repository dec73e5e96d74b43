import { type MigrationInterface, type QueryRunner } from 'typeorm';

export class CreatePayments1764201604000 implements MigrationInterface {
  name = 'CreatePayments1764201604000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const statuses = `('AUTHORIZED', 'CAPTURED', 'VOIDED', 'REFUNDED', 'DECLINED', 'FAILED')`;
    await queryRunner.query(`
      CREATE TABLE payments (
        id uuid PRIMARY KEY,
        order_id uuid NOT NULL,
        customer_id uuid NOT NULL,
        amount bigint NOT NULL CHECK (amount >= 0),
        currency char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
        status text NOT NULL CHECK (status IN ${statuses}),
        failure_reason text,
        failure_message text,
        version integer NOT NULL CHECK (version >= 1),
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
      )`);
    // One payment per order, whatever the application does.
    await queryRunner.query('CREATE UNIQUE INDEX payments_order_id_key ON payments (order_id)');
    await queryRunner.query('CREATE INDEX payments_customer_id ON payments (customer_id)');
    await queryRunner.query(`
      CREATE TABLE payment_transitions (
        payment_id uuid NOT NULL REFERENCES payments (id) ON DELETE CASCADE,
        sequence integer NOT NULL CHECK (sequence >= 1),
        status text NOT NULL CHECK (status IN ${statuses}),
        provider_reference text,
        reason text,
        occurred_at timestamptz NOT NULL,
        PRIMARY KEY (payment_id, sequence)
      )`);
    // The state machine never returns to a status: a second capture (or void, or
    // refund) of one payment is refused by the database too.
    await queryRunner.query(
      'CREATE UNIQUE INDEX payment_transitions_status_once ON payment_transitions (payment_id, status)',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE payment_transitions');
    await queryRunner.query('DROP TABLE payments');
  }
}
