import 'reflect-metadata';
import { runMigrationsCli } from '@shop/service-kit/typeorm';
import { ORDER_MIGRATIONS } from './infrastructure/persistence/order-migrations';

// The order database's pending migrations, then exit: a deploy step (a Job), never run by the app.
runMigrationsCli({
  service: 'order',
  databaseUrlVariable: 'ORDER_DATABASE_URL',
  migrations: ORDER_MIGRATIONS,
});
