// What services on PostgreSQL (TypeORM) share: a secondary entry point, so
// that `@shop/service-kit` itself loads no database driver (the catalog runs
// on MongoDB).
export { type MigrationsCli, runMigrationsCli } from './typeorm/run-migrations-cli';
export { postgresAndKafkaReadiness } from './typeorm/postgres-and-kafka.readiness';
