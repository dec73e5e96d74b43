import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { currentDatabase } from './support/current-database';
import { InfraError } from '../src';
import { ensureRoleAndDatabase } from '../src/service-databases';

const adminUrl = (): string => process.env['DATABASE_URL'] ?? '';

async function admin<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: adminUrl() });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

describe('ensureRoleAndDatabase (real PostgreSQL)', () => {
  const suffix = randomBytes(4).toString('hex');
  const role = `t_role_${suffix}`;
  const database = `t_db_${suffix}`;

  beforeAll(() =>
    admin((client) => client.query(`CREATE ROLE ${role} LOGIN PASSWORD 'set-by-someone-else'`)),
  );

  afterAll(() =>
    admin(async (client) => {
      await client.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      await client.query(`DROP ROLE IF EXISTS ${role}`);
    }),
  );

  it("refuses to change the password of a role on someone else's server", async () => {
    const attempt = ensureRoleAndDatabase(adminUrl(), role, 'new-password-1', database, false);

    await expect(attempt).rejects.toBeInstanceOf(InfraError);
  });

  it('takes over a role on its own server, e.g. after .infra/ was wiped and passwords regenerated', async () => {
    const url = await ensureRoleAndDatabase(
      adminUrl(),
      role,
      'regenerated-password',
      database,
      true,
    );

    expect(await currentDatabase(url)).toBe(database);
  });
});
