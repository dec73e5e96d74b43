import 'reflect-metadata';
import { runMigrationsCli } from '@shop/service-kit/typeorm';
import { USER_MIGRATIONS } from './infrastructure/persistence/user-migrations';

// The user database's pending migrations, then exit: a deploy step (a Job), never run by the app.
runMigrationsCli({
  service: 'user',
  databaseUrlVariable: 'USER_DATABASE_URL',
  migrations: USER_MIGRATIONS,
});
