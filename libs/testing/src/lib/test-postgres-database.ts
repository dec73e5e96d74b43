import { withDatabaseName } from './database-url';
import { Client } from 'pg';
import { testInfraSettings } from './test-infra-settings';
import { uniqueName } from './unique-name';

/** A PostgreSQL database of one test suite's own, dropped by `drop()`. */
export class TestPostgresDatabase {
  private constructor(
    readonly name: string,
    readonly url: string,
    private readonly adminUrl: string,
  ) {}

  static async create(label: string): Promise<TestPostgresDatabase> {
    const adminUrl = testInfraSettings().databaseUrl;
    const name = uniqueName(label);
    await withAdmin(adminUrl, (client) =>
      client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`),
    );
    return new TestPostgresDatabase(name, withDatabaseName(adminUrl, name), adminUrl);
  }

  async drop(): Promise<void> {
    // FORCE ends connections a test left open, so a leak cannot keep the database alive.
    await withAdmin(this.adminUrl, (client) =>
      client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(this.name)} WITH (FORCE)`),
    );
  }
}

async function withAdmin<T>(adminUrl: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
