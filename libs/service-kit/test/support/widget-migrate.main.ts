// A service's migrate.ts (test/run-migrations-cli.spec.ts runs it as a process).
import 'reflect-metadata';
import { runMigrationsCli } from '../../src/typeorm';
import { WIDGET_MIGRATIONS } from './widget.migrations';

runMigrationsCli({
  service: 'widget',
  databaseUrlVariable: 'WIDGET_DATABASE_URL',
  migrations: WIDGET_MIGRATIONS,
});
