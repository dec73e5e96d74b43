import { type MigrationInterface, type QueryRunner } from 'typeorm';

/** The orchestrator's saga instances. Add to the orchestrating service's migrations. */
export class CreateSagaInstances1764201600300 implements MigrationInterface {
  name = 'CreateSagaInstances1764201600300';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE saga_instances (
        id text PRIMARY KEY,
        type text NOT NULL,
        status text NOT NULL,
        state jsonb NOT NULL,
        deadline_at timestamptz,
        version integer NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // The deadline poller's query: running sagas whose awaited reply is overdue.
    await queryRunner.query(
      'CREATE INDEX saga_instances_due ON saga_instances (deadline_at) WHERE deadline_at IS NOT NULL',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE saga_instances');
  }
}

export const SAGA_MIGRATIONS = [CreateSagaInstances1764201600300];
