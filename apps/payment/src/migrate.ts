import 'reflect-metadata';
import { runMigrationsCli } from '@shop/service-kit/typeorm';
import { PAYMENT_MIGRATIONS } from './infrastructure/persistence/payment-migrations';

// The payment database's pending migrations, then exit: a deploy step (a Job), never run by the app.
runMigrationsCli({
  service: 'payment',
  databaseUrlVariable: 'PAYMENT_DATABASE_URL',
  migrations: PAYMENT_MIGRATIONS,
});
