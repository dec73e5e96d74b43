// widget-migrate.main.ts with a third migration that fails half-way.
import 'reflect-metadata';
import { runMigrationsCli } from '../../src/typeorm';
import { AddGadgetPrices1764300000200, WIDGET_MIGRATIONS } from './widget.migrations';

runMigrationsCli({
  service: 'widget',
  databaseUrlVariable: 'WIDGET_DATABASE_URL',
  migrations: [...WIDGET_MIGRATIONS, AddGadgetPrices1764300000200],
});
