import { type MigrationInterface, type QueryRunner } from 'typeorm';

export class CreateAddresses1764201601100 implements MigrationInterface {
  name = 'CreateAddresses1764201601100';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE addresses (
        id uuid PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        label text,
        recipient text NOT NULL,
        line1 text NOT NULL,
        line2 text,
        city text NOT NULL,
        postal_code text NOT NULL,
        country char(2) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query('CREATE INDEX addresses_user ON addresses (user_id, created_at)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE addresses');
  }
}
