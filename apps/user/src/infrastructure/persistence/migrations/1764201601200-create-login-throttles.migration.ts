import { type MigrationInterface, type QueryRunner } from 'typeorm';

export class CreateLoginThrottles1764201601200 implements MigrationInterface {
  name = 'CreateLoginThrottles1764201601200';

  async up(queryRunner: QueryRunner): Promise<void> {
    // One row per throttled subject ("account:<email>", "address:<ip>"), shared by every replica.
    await queryRunner.query(`
      CREATE TABLE login_throttles (
        key text PRIMARY KEY,
        failures integer NOT NULL,
        window_started_at timestamptz NOT NULL,
        blocked_until timestamptz
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE login_throttles');
  }
}
