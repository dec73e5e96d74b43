import { type MigrationInterface, type QueryRunner } from 'typeorm';

export class CreateWidgets1764300000000 implements MigrationInterface {
  name = 'CreateWidgets1764300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('CREATE TABLE widgets (id int PRIMARY KEY, name text NOT NULL)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE widgets');
  }
}

export class AddWidgetColours1764300000100 implements MigrationInterface {
  name = 'AddWidgetColours1764300000100';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE widgets ADD COLUMN colour text NOT NULL DEFAULT 'grey'");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE widgets DROP COLUMN colour');
  }
}

/** Fails half-way: its first statement succeeds, its second names a table that does not exist. */
export class AddGadgetPrices1764300000200 implements MigrationInterface {
  name = 'AddGadgetPrices1764300000200';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE widgets ADD COLUMN price int');
    await queryRunner.query('ALTER TABLE gadgets ADD COLUMN price int');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE widgets DROP COLUMN price');
  }
}

export const WIDGET_MIGRATIONS = [CreateWidgets1764300000000, AddWidgetColours1764300000100];
