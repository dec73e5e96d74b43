import { type MigrationInterface, type QueryRunner } from 'typeorm';

export class ThrottleLoginsPerAccountAndAddress1764201601300 implements MigrationInterface {
  name = 'ThrottleLoginsPerAccountAndAddress1764201601300';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Counters per account alone ("account:<email>") are no longer a limit; a block left in one
    // would still lock its owner out. The per-address counts start again too (they now count
    // every attempt, not only failures).
    await queryRunner.query('DELETE FROM login_throttles');
    await queryRunner.query(
      `COMMENT ON TABLE login_throttles IS 'login attempts per "address:<ip or /64>" and per "account:<email> address:<…>"'`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DELETE FROM login_throttles');
    await queryRunner.query('COMMENT ON TABLE login_throttles IS NULL');
  }
}
