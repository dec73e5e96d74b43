import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { InvalidConfigurationError } from './config/payment-config';
import { PAYMENT_MIGRATIONS } from './infrastructure/persistence/payment-migrations';

/** Runs the payment database's pending migrations, then exits: a deploy step (a Job), never run by the app. */
async function migrate(): Promise<void> {
  const url = process.env['PAYMENT_DATABASE_URL'];
  if (!url)
    throw new InvalidConfigurationError('invalid configuration: PAYMENT_DATABASE_URL is required');
  const dataSource = await new DataSource({
    type: 'postgres',
    url,
    migrations: PAYMENT_MIGRATIONS,
  }).initialize();
  try {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    process.stdout.write(
      `applied ${applied.length} migration(s)${applied.map((m) => `\n  ${m.name}`).join('')}\n`,
    );
  } finally {
    await dataSource.destroy();
  }
}

migrate().catch((error: unknown) => {
  process.stderr.write(
    `payment migrations failed: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
