import { DataSource, type MigrationInterface } from 'typeorm';
import { InvalidConfigurationError } from '../lib/invalid-configuration.error';

export interface MigrationsCli {
  /** The subject of the failure line: `order` prints `order migrations failed: …`. */
  service: string;
  /** The environment variable that holds the database URL, e.g. `ORDER_DATABASE_URL`. */
  databaseUrlVariable: string;
  /** In the order they apply: the libraries' tables first, then the service's own. */
  migrations: readonly (new () => MigrationInterface)[];
}

/**
 * The whole of a service's `migrate.ts`: applies the database's pending
 * migrations, each in its own transaction, prints their names and exits. A
 * deploy step (a Job before the rollout), never run by the app itself. A
 * failure prints one line and exits 1; the migrations before it stay applied.
 */
export function runMigrationsCli(cli: MigrationsCli): void {
  migrate(cli).catch((error: unknown) => {
    process.stderr.write(
      `${cli.service} migrations failed: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exit(1);
  });
}

async function migrate({ databaseUrlVariable, migrations }: MigrationsCli): Promise<void> {
  const url = process.env[databaseUrlVariable];
  if (!url) throw new InvalidConfigurationError(`${databaseUrlVariable} is required`);
  const dataSource = await new DataSource({
    type: 'postgres',
    url,
    migrations: [...migrations],
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
