import { type MigrationInterface, type QueryRunner } from 'typeorm';

export class AddSessionAbsoluteExpiry1764201601400 implements MigrationInterface {
  name = 'AddSessionAbsoluteExpiry1764201601400';

  async up(queryRunner: QueryRunner): Promise<void> {
    // A session (a token family) ends at a fixed time after its login, however often it is
    // rotated. The default covers rows a replica of the previous version inserts during a rollout;
    // this version always sets it.
    await queryRunner.query(
      `ALTER TABLE refresh_tokens
         ADD COLUMN session_expires_at timestamptz NOT NULL DEFAULT now() + interval '90 days'`,
    );
    // Existing sessions end 90 days (the default AUTH_SESSION_MAX_DAYS) after their first token.
    await queryRunner.query(`
      UPDATE refresh_tokens AS t SET session_expires_at = f.started_at + interval '90 days'
        FROM (SELECT family_id, min(created_at) AS started_at FROM refresh_tokens GROUP BY family_id) AS f
       WHERE t.family_id = f.family_id`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE refresh_tokens DROP COLUMN session_expires_at');
  }
}
