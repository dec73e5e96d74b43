import { createPrivateKey } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEnvFile, writeDevSecrets } from './dev-secrets';

describe('writeDevSecrets', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'shop-dev-secrets-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const env = (file: string) => parseEnvFile(readFileSync(join(dir, file), 'utf8'));

  it('writes random passwords, database URLs that use them, and a PKCS#8 signing key, readable by the owner only', () => {
    const { written } = writeDevSecrets(dir);

    expect(written).toHaveLength(6);
    const passwords = env('postgres.env');
    expect(new Set(Object.values(passwords)).size).toBe(4);
    expect(new URL(env('order.env')['ORDER_DATABASE_URL'] ?? '').password).toBe(
      passwords['ORDER_SERVICE_DB_PASSWORD'],
    );
    const pem = readFileSync(join(dir, 'auth-private-key.pem'), 'utf8');
    expect(pem.startsWith('-----BEGIN PRIVATE KEY-----')).toBe(true);
    expect(createPrivateKey(pem).asymmetricKeyType).toBe('rsa');
    expect(statSync(join(dir, 'user.env')).mode & 0o777).toBe(0o600);
    expect(env('user.env')['ADMIN_PASSWORD']?.length).toBeGreaterThanOrEqual(12);
  });

  it('keeps what is there, and builds a missing URL from the passwords already in use', () => {
    writeFileSync(
      join(dir, 'postgres.env'),
      'POSTGRES_PASSWORD=a\nUSER_SERVICE_DB_PASSWORD=kept-password\nORDER_SERVICE_DB_PASSWORD=b\nPAYMENT_SERVICE_DB_PASSWORD=c\n',
    );
    writeDevSecrets(dir);
    const key = readFileSync(join(dir, 'auth-private-key.pem'), 'utf8');
    unlinkSync(join(dir, 'user.env'));

    const { written, kept } = writeDevSecrets(dir);

    expect(written).toEqual([join(dir, 'user.env')]);
    expect(kept).toHaveLength(5);
    expect(env('user.env')['USER_DATABASE_URL']).toBe(
      'postgres://user_service:kept-password@postgres:5432/users',
    );
    expect(readFileSync(join(dir, 'auth-private-key.pem'), 'utf8')).toBe(key);
  });
});
