import { Client } from 'pg';
import { type Credentials, knowsRole, rolePassword } from './credentials';
import { InfraError } from './infra-error';
import {
  type DatabaseService,
  SERVICE_DATABASES,
  redactUrl,
  withPostgresDatabase,
} from './infra-settings';

/**
 * Creates (or repairs) one login role and one database per service, the role
 * owning its database and nobody else allowed to connect: each service owns its
 * data. Idempotent: the passwords this checkout generated are re-applied on
 * every run, so the settings printed by `infra env` always work; an existing
 * role with a password it did not set is refused, never overwritten.
 */
export async function ensureRoleAndDatabase(
  adminUrl: string,
  role: string,
  password: string,
  database: string,
  /** Only a password this checkout generated may be (re)applied to an existing role. */
  passwordIsOurs: boolean,
): Promise<string> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const quotedRole = client.escapeIdentifier(role);
    const quotedDatabase = client.escapeIdentifier(database);
    const existingRole = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
    if (existingRole.rowCount && !passwordIsOurs) {
      throw new InfraError(
        `Role ${role} already exists on ${redactUrl(adminUrl)} with a password this checkout did not set.`,
        'Give its connection URL in the environment (see .env.example), or drop the role.',
      );
    }
    const verb = existingRole.rowCount ? 'ALTER' : 'CREATE';
    await client.query(
      `${verb} ROLE ${quotedRole} LOGIN PASSWORD ${client.escapeLiteral(password)}`,
    );
    const existingDatabase = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [
      database,
    ]);
    if (!existingDatabase.rowCount) {
      await client.query(`CREATE DATABASE ${quotedDatabase} OWNER ${quotedRole}`);
    }
    await client.query(`REVOKE ALL ON DATABASE ${quotedDatabase} FROM PUBLIC`);
    await client.query(`GRANT ALL ON DATABASE ${quotedDatabase} TO ${quotedRole}`);
  } finally {
    await client.end();
  }
  const url = new URL(withPostgresDatabase(adminUrl, database));
  url.username = role;
  url.password = password;
  return url.toString();
}

/**
 * `ownsServer`: the provisioner created this server (native), so every role on
 * it is its own, even when `.infra/` was wiped and the passwords regenerated.
 * On a server from the environment, only roles this checkout created are touched.
 */
export async function ensureServiceDatabases(
  adminUrl: string,
  credentials: Credentials,
  ownsServer: boolean,
): Promise<Record<DatabaseService, string>> {
  const urls = {} as Record<DatabaseService, string>;
  for (const { service, database, role } of SERVICE_DATABASES) {
    const known = ownsServer || knowsRole(credentials, role);
    urls[service] = await ensureRoleAndDatabase(
      adminUrl,
      role,
      rolePassword(credentials, role),
      database,
      known,
    );
  }
  return urls;
}
