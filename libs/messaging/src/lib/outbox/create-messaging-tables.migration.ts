import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * The outbox and inbox tables of a service on PostgreSQL. Add it to the
 * service's migrations (see MESSAGING_MIGRATIONS).
 *
 * Ordering invariant: the relay publishes in `sequence` order. Two messages of
 * one aggregate are written by transactions that the aggregate's own
 * concurrency control (row lock or version) serialises, so the later one
 * always gets the higher sequence.
 */
export class CreateMessagingTables1764201600100 implements MigrationInterface {
  name = 'CreateMessagingTables1764201600100';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE outbox_messages (
        sequence bigserial PRIMARY KEY,
        id uuid NOT NULL UNIQUE,
        topic text NOT NULL,
        partition_key text NOT NULL,
        type text NOT NULL,
        headers jsonb NOT NULL,
        payload jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        sent_at timestamptz,
        attempts integer NOT NULL DEFAULT 0,
        last_error text
      )`);
    await queryRunner.query(
      'CREATE INDEX outbox_messages_unsent ON outbox_messages (sequence) WHERE sent_at IS NULL',
    );
    await queryRunner.query(`
      CREATE TABLE inbox_messages (
        consumer text NOT NULL,
        message_id uuid NOT NULL,
        message_type text NOT NULL,
        processed_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (consumer, message_id)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE inbox_messages');
    await queryRunner.query('DROP TABLE outbox_messages');
  }
}

export const MESSAGING_MIGRATIONS = [CreateMessagingTables1764201600100];
