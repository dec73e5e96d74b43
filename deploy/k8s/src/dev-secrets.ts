import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Where the dev overlay's secretGenerator reads from (git-ignored, see secrets/.gitignore). */
export const devSecretsDir = resolve(__dirname, '..', 'overlays', 'dev', 'secrets');

const SERVICE_DATABASES = [
  {
    service: 'user',
    role: 'user_service',
    database: 'users',
    passwordKey: 'USER_SERVICE_DB_PASSWORD',
  },
  {
    service: 'order',
    role: 'order_service',
    database: 'orders',
    passwordKey: 'ORDER_SERVICE_DB_PASSWORD',
  },
  {
    service: 'payment',
    role: 'payment_service',
    database: 'payments',
    passwordKey: 'PAYMENT_SERVICE_DB_PASSWORD',
  },
] as const;

export interface DevSecretsResult {
  written: string[];
  kept: string[];
}

/**
 * Writes the dev overlay's secret files that are missing: random passwords,
 * database URLs that match them, an RS256 signing key and a demo admin. Files
 * already there are kept, and the URLs are built from the passwords already
 * in postgres.env, so a cluster's database keeps accepting them.
 */
export function writeDevSecrets(dir: string = devSecretsDir): DevSecretsResult {
  mkdirSync(dir, { recursive: true });
  const result: DevSecretsResult = { written: [], kept: [] };
  const write = (file: string, content: () => string): void => {
    const path = join(dir, file);
    if (existsSync(path)) {
      result.kept.push(path);
      return;
    }
    writeFileSync(path, content(), { mode: 0o600 });
    result.written.push(path);
  };

  const postgresPath = join(dir, 'postgres.env');
  const postgres = existsSync(postgresPath)
    ? parseEnvFile(readFileSync(postgresPath, 'utf8'))
    : {
        POSTGRES_PASSWORD: randomPassword(),
        ...Object.fromEntries(
          SERVICE_DATABASES.map(({ passwordKey }) => [passwordKey, randomPassword()]),
        ),
      };
  write('postgres.env', () => envFile(postgres));
  for (const { service, role, database, passwordKey } of SERVICE_DATABASES) {
    const password = postgres[passwordKey];
    if (!password) throw new Error(`${postgresPath} has no ${passwordKey}`);
    const url = `postgres://${role}:${password}@postgres:5432/${database}`;
    const extra: Record<string, string> =
      service === 'user'
        ? { ADMIN_EMAIL: 'admin@shop.test', ADMIN_PASSWORD: randomPassword() }
        : {};
    write(`${service}.env`, () =>
      envFile({ [`${service.toUpperCase()}_DATABASE_URL`]: url, ...extra }),
    );
  }
  write('catalog.env', () => envFile({ CATALOG_MONGODB_URL: 'mongodb://mongodb:27017/catalog' }));
  write('auth-private-key.pem', () =>
    generateKeyPairSync('rsa', { modulusLength: 2048 })
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString(),
  );
  return result;
}

export function parseEnvFile(text: string): Record<string, string> {
  const entries: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (!trimmed || trimmed.startsWith('#')) continue;
    const equals = trimmed.indexOf('=');
    if (equals > 0) entries[trimmed.slice(0, equals)] = trimmed.slice(equals + 1);
  }
  return entries;
}

// URL-safe, so it needs no escaping inside a database URL.
const randomPassword = (): string => randomBytes(18).toString('base64url');

const envFile = (entries: Record<string, string>): string =>
  `${Object.entries(entries)
    .map(([key, value]) => `${key}=${value}`)
    .join('\n')}\n`;
