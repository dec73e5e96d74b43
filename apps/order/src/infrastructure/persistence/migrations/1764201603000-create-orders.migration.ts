import { type MigrationInterface, type QueryRunner } from 'typeorm';

export class CreateOrders1764201603000 implements MigrationInterface {
  name = 'CreateOrders1764201603000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE orders (
        id uuid PRIMARY KEY,
        customer_id uuid NOT NULL,
        status text NOT NULL CHECK (status IN ('PENDING', 'APPROVED', 'REJECTED', 'CANCELLED')),
        total_amount bigint NOT NULL CHECK (total_amount >= 0),
        currency char(3) NOT NULL,
        shipping_address jsonb NOT NULL,
        reason text,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
      )`);
    // Ids are UUIDv7 (time-ordered): a customer's orders page newest first by id.
    await queryRunner.query('CREATE INDEX orders_customer ON orders (customer_id, id DESC)');
    await queryRunner.query(`
      CREATE TABLE order_items (
        order_id uuid NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
        line_no smallint NOT NULL,
        product_id uuid NOT NULL,
        sku text NOT NULL,
        name text NOT NULL,
        quantity integer NOT NULL CHECK (quantity > 0),
        unit_amount bigint NOT NULL CHECK (unit_amount >= 0),
        currency char(3) NOT NULL,
        PRIMARY KEY (order_id, line_no),
        UNIQUE (order_id, product_id)
      )`);
    // One answer per (customer, key): the primary key is what makes a repeated POST safe.
    await queryRunner.query(`
      CREATE TABLE idempotency_keys (
        customer_id uuid NOT NULL,
        key text NOT NULL,
        request_hash text NOT NULL,
        -- Deferred: the key is claimed first, so a repeated request stops before writing anything.
        order_id uuid NOT NULL REFERENCES orders (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (customer_id, key)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE idempotency_keys');
    await queryRunner.query('DROP TABLE order_items');
    await queryRunner.query('DROP TABLE orders');
  }
}
