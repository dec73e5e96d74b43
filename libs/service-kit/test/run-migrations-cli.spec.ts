import { TestPostgresDatabase } from '@shop/testing';
import { Client } from 'pg';
import { ScriptProcess } from './support/script-process';

/**
 * `runMigrationsCli` as a service's migrate.ts runs it: a process of its own
 * (test/support/widget-migrate*.main.ts) against a real PostgreSQL database.
 */
describe('runMigrationsCli (a widget migrate.ts run as a process)', () => {
  let database: TestPostgresDatabase;

  beforeEach(async () => {
    database = await TestPostgresDatabase.create('service-kit-migrations');
  });

  afterEach(async () => {
    await database.drop();
  });

  it('applies the pending migrations, names each, and exits 0; a second run applies none', async () => {
    const env = { WIDGET_DATABASE_URL: database.url };

    expect(await ScriptProcess.run('widget-migrate.main.ts', env)).toEqual({
      status: 0,
      stdout:
        'applied 2 migration(s)\n  CreateWidgets1764300000000\n  AddWidgetColours1764300000100\n',
      stderr: '',
    });
    expect(
      await query(database.url, "INSERT INTO widgets (id, name) VALUES (1, 'bolt') RETURNING *"),
    ).toEqual([{ id: 1, name: 'bolt', colour: 'grey' }]);

    expect(await ScriptProcess.run('widget-migrate.main.ts', env)).toEqual({
      status: 0,
      stdout: 'applied 0 migration(s)\n',
      stderr: '',
    });
  });

  it('stops at a failing migration with exit 1, undoing it and keeping the ones before it', async () => {
    const outcome = await ScriptProcess.run('widget-migrate-broken.main.ts', {
      WIDGET_DATABASE_URL: database.url,
    });

    expect(outcome.status).toBe(1);
    expect(outcome.stderr).toBe('widget migrations failed: relation "gadgets" does not exist\n');
    expect(await query(database.url, 'SELECT name FROM migrations ORDER BY id')).toEqual([
      { name: 'CreateWidgets1764300000000' },
      { name: 'AddWidgetColours1764300000100' },
    ]);
    // Each migration has its own transaction: the failed one left no column behind.
    expect(
      await query(
        database.url,
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'widgets' ORDER BY column_name",
      ),
    ).toEqual([{ column_name: 'colour' }, { column_name: 'id' }, { column_name: 'name' }]);
  });

  it('refuses to run without its database URL variable, with exit 1', async () => {
    expect(await ScriptProcess.run('widget-migrate.main.ts', {})).toEqual({
      status: 1,
      stdout: '',
      stderr: 'widget migrations failed: invalid configuration: WIDGET_DATABASE_URL is required\n',
    });
  });
});

async function query(url: string, sql: string): Promise<unknown[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}
