import 'reflect-metadata';
import { type INestApplication } from '@nestjs/common';
import { Topics, UserRegisteredV1 } from '@shop/contracts';
import { InvalidConfigurationError, startService } from '@shop/service-kit';
import { TestKafkaNamespace, TestPostgresDatabase, TestTokenIssuer } from '@shop/testing';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { loadUserConfig } from '../src/config/user-config';
import { USER_MIGRATIONS } from '../src/infrastructure/persistence/user-migrations';
import { createUserApp } from '../src/user-app';

const freePort = (): Promise<number> =>
  new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

interface Tokens {
  accessToken: string;
  refreshToken: string;
  tokenType: string;
  expiresIn: number;
}

const adminEmail = 'admin@shop.test';
const adminPassword = 'a long passphrase for the shop operator';
const committedOpenApi = join(__dirname, '..', 'openapi.json');

describe('user service over HTTP (real PostgreSQL and Kafka)', () => {
  const kafka = new TestKafkaNamespace('user-service');
  let database: TestPostgresDatabase;
  let app: INestApplication;
  let baseUrl: string;

  beforeAll(async () => {
    database = await TestPostgresDatabase.create('user-service');
    const migrator = new DataSource({
      type: 'postgres',
      url: database.url,
      migrations: USER_MIGRATIONS,
    });
    await migrator.initialize();
    await migrator.runMigrations();
    await migrator.destroy();
    const port = await freePort();
    app = await createUserApp(
      loadUserConfig({
        NODE_ENV: 'test',
        PORT: String(port),
        USER_DATABASE_URL: database.url,
        KAFKA_BROKERS: kafka.brokers.join(','),
        KAFKA_TOPIC_PREFIX: kafka.prefix,
        TRUST_PROXY: 'loopback',
        ADMIN_EMAIL: adminEmail,
        ADMIN_PASSWORD: adminPassword,
      }),
    );
    await startService(app, { port, host: '127.0.0.1' });
    baseUrl = `http://127.0.0.1:${port}`;
  });

  afterAll(async () => {
    await app?.close();
    await database?.drop();
    await kafka.cleanup();
  });

  const call = async (
    method: string,
    path: string,
    body?: unknown,
    token?: string,
    headers: Record<string, string> = {},
  ) => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...headers,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return {
      status: response.status,
      retryAfter: response.headers.get('retry-after'),
      type: response.headers.get('content-type'),
      body: text ? JSON.parse(text) : undefined,
    };
  };

  const password = 'correct horse battery staple';
  let sequence = 0;
  const newEmail = () => `customer${(sequence += 1)}.${Date.now()}@example.test`;

  async function registeredCustomer(): Promise<{ email: string; tokens: Tokens; id: string }> {
    const email = newEmail();
    const registered = await call('POST', '/auth/register', { email, password });
    const login = await call('POST', '/auth/login', { email, password });
    return { email, tokens: login.body as Tokens, id: registered.body.id };
  }

  const hashOf = (token: string) => createHash('sha256').update(token).digest('hex');
  async function inDatabase<Rows = unknown>(sql: string, parameters: unknown[]): Promise<Rows> {
    const connection = new DataSource({ type: 'postgres', url: database.url });
    await connection.initialize();
    try {
      return (await connection.query(sql, parameters)) as Rows;
    } finally {
      await connection.destroy();
    }
  }

  it('registers a customer (email normalized) and announces it on user.events', async () => {
    const email = newEmail();
    const response = await call('POST', '/auth/register', {
      email: `  ${email.toUpperCase()} `,
      password,
      name: 'Ada',
    });

    expect(response.status).toBe(201);
    expect(response.body).toEqual({ id: expect.any(String), email });
    const reader = kafka.client.consumer({ groupId: kafka.groupId('user-events') });
    await reader.connect();
    await reader.subscribe({ topic: `${kafka.prefix}${Topics.userEvents}`, fromBeginning: true });
    const event = await new Promise<Record<string, unknown>>((resolve, reject) => {
      reader
        .run({
          eachMessage: async ({ message }) => {
            const value = JSON.parse(message.value?.toString() ?? '{}');
            if (value.data?.userId === response.body.id) resolve(value);
          },
        })
        .catch(reject);
    });
    await reader.disconnect();
    expect(event).toMatchObject({
      type: UserRegisteredV1.type,
      source: 'user',
      data: { userId: response.body.id, email, roles: ['customer'] },
    });
  });

  it('refuses a second account for the same email in another case, with a 409 problem', async () => {
    const email = newEmail();
    await call('POST', '/auth/register', { email, password });

    const again = await call('POST', '/auth/register', { email: email.toUpperCase(), password });

    expect(again.status).toBe(409);
    expect(again.type).toMatch(/^application\/problem\+json/);
    expect(again.body.type).toBe('https://shop.example/problems/email-already-registered');
  });

  it('refuses a weak password (422) and a malformed request (400 naming the fields)', async () => {
    const weak = await call('POST', '/auth/register', { email: newEmail(), password: 'short' });
    const malformed = await call('POST', '/auth/register', {
      email: 'not-an-email',
      password: 42,
      role: 'admin',
    });

    expect(weak.status).toBe(422);
    expect(weak.body.type).toBe('https://shop.example/problems/weak-password');
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors.map((error: { field: string }) => error.field).sort()).toEqual([
      'email',
      'password',
      'role',
    ]);
  });

  it('answers a wrong password and an unknown email with the same 401', async () => {
    const { email } = await registeredCustomer();

    const wrongPassword = await call('POST', '/auth/login', {
      email,
      password: 'not the password at all',
    });
    const unknownEmail = await call('POST', '/auth/login', { email: newEmail(), password });

    expect(wrongPassword.status).toBe(401);
    expect(unknownEmail.status).toBe(401);
    expect({ ...wrongPassword.body, instance: undefined }).toEqual({
      ...unknownEmail.body,
      instance: undefined,
    });
  });

  it('issues RS256 tokens whose key is in its JWKS, and serves the profile to the token holder', async () => {
    const { email, tokens, id } = await registeredCustomer();
    const jwks = await call('GET', '/.well-known/jwks.json');
    const header = JSON.parse(
      Buffer.from(tokens.accessToken.split('.')[0] ?? '', 'base64url').toString(),
    );
    const me = await call('GET', '/users/me', undefined, tokens.accessToken);

    expect(tokens).toMatchObject({ tokenType: 'Bearer', expiresIn: 900 });
    expect(header).toMatchObject({ alg: 'RS256' });
    expect(jwks.body.keys.map((key: { kid: string }) => key.kid)).toContain(header.kid);
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ id, email, roles: ['customer'], name: null });
  });

  it('refuses the profile without a token, or with a token it did not issue', async () => {
    const stranger = await TestTokenIssuer.start({
      issuer: 'http://localhost:3001',
      audience: 'shop',
    });
    try {
      const forged = await stranger.issue({ sub: '0190f5a2-7b1c-7d4e-8f00-000000000001' });

      expect((await call('GET', '/users/me')).status).toBe(401);
      expect((await call('GET', '/users/me', undefined, forged)).status).toBe(401);
    } finally {
      await stranger.stop();
    }
  });

  it('renames the caller', async () => {
    const { tokens } = await registeredCustomer();

    const renamed = await call('PATCH', '/users/me', { name: 'Ada King' }, tokens.accessToken);

    expect(renamed.status).toBe(200);
    expect(renamed.body.name).toBe('Ada King');
  });

  it('rotates refresh tokens, and revokes the whole session when a spent one comes back', async () => {
    const { tokens } = await registeredCustomer();

    const rotated = await call('POST', '/auth/refresh', { refreshToken: tokens.refreshToken });
    const reused = await call('POST', '/auth/refresh', { refreshToken: tokens.refreshToken });
    const afterTheft = await call('POST', '/auth/refresh', {
      refreshToken: rotated.body.refreshToken,
    });

    expect(rotated.status).toBe(200);
    expect(rotated.body.refreshToken).not.toBe(tokens.refreshToken);
    expect(reused.status).toBe(401);
    expect(reused.body.detail).toMatch(/already used/);
    expect(afterTheft.status).toBe(401);
    expect(afterTheft.body.detail).toMatch(/revoked/);
  });

  it('ends a session at its absolute lifetime: rotation never moves the end set at login', async () => {
    const { tokens } = await registeredCustomer();
    const rotated = (await call('POST', '/auth/refresh', { refreshToken: tokens.refreshToken }))
      .body as Tokens;
    const sessionEnds = await inDatabase<{ session_expires_at: Date; expires_at: Date }[]>(
      `SELECT session_expires_at, expires_at FROM refresh_tokens
        WHERE family_id = (SELECT family_id FROM refresh_tokens WHERE token_hash = $1)`,
      [hashOf(tokens.refreshToken)],
    );
    // The session reaches its end (as if 90 days had passed since the login).
    await inDatabase(
      `UPDATE refresh_tokens SET session_expires_at = now() - interval '1 second'
        WHERE family_id = (SELECT family_id FROM refresh_tokens WHERE token_hash = $1)`,
      [hashOf(rotated.refreshToken)],
    );
    const refused = await call('POST', '/auth/refresh', { refreshToken: rotated.refreshToken });

    expect(sessionEnds).toHaveLength(2);
    const [atLogin, afterRotation] = sessionEnds.map((row) => row.session_expires_at.getTime());
    expect(afterRotation).toBe(atLogin);
    expect(atLogin).toBeGreaterThan(Date.now() + 89 * 86_400_000);
    expect(atLogin).toBeLessThanOrEqual(Date.now() + 90 * 86_400_000);
    for (const row of sessionEnds) {
      expect(row.expires_at.getTime()).toBeLessThanOrEqual(row.session_expires_at.getTime());
    }
    expect(refused.status).toBe(401);
    expect(refused.body.type).toBe('https://shop.example/problems/invalid-refresh-token');
    expect(refused.body.detail).toMatch(/maximum lifetime/);
  });

  it('logs out: the session cannot be refreshed any more', async () => {
    const { tokens } = await registeredCustomer();

    const logout = await call(
      'POST',
      '/auth/logout',
      { refreshToken: tokens.refreshToken },
      tokens.accessToken,
    );
    const refresh = await call('POST', '/auth/refresh', { refreshToken: tokens.refreshToken });

    expect(logout.status).toBe(204);
    expect(refresh.status).toBe(401);
  });

  it("keeps a customer's addresses, and only theirs", async () => {
    const [ada, grace] = [await registeredCustomer(), await registeredCustomer()];
    const address = {
      label: 'home',
      recipient: 'Ada',
      line1: '12 St James Square',
      city: 'London',
      postalCode: 'SW1Y 4JH',
      country: 'GB',
    };

    const added = await call('POST', '/users/me/addresses', address, ada.tokens.accessToken);
    const adas = await call('GET', '/users/me/addresses', undefined, ada.tokens.accessToken);
    const graces = await call('GET', '/users/me/addresses', undefined, grace.tokens.accessToken);
    const invalid = await call(
      'POST',
      '/users/me/addresses',
      { ...address, country: 'Narnia' },
      ada.tokens.accessToken,
    );

    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ ...address, line2: null });
    expect(adas.body).toEqual([added.body]);
    expect(graces.body).toEqual([]);
    expect(invalid.status).toBe(400);
  });

  it('creates the admin from the environment; only an admin lists accounts', async () => {
    const customer = await registeredCustomer();
    const admin = (
      await call('POST', '/auth/login', { email: adminEmail, password: adminPassword })
    ).body as Tokens;

    const asAdmin = await call('GET', '/users?limit=100', undefined, admin.accessToken);
    const asCustomer = await call('GET', '/users', undefined, customer.tokens.accessToken);

    expect(asAdmin.status).toBe(200);
    expect(asAdmin.body.items.map((user: { email: string }) => user.email)).toEqual(
      expect.arrayContaining([adminEmail, customer.email]),
    );
    expect(asCustomer.status).toBe(403);
  });

  it('lets a caller read an account by id only when it is theirs or they are an admin (404 otherwise)', async () => {
    const [ada, grace] = [await registeredCustomer(), await registeredCustomer()];
    const admin = (
      await call('POST', '/auth/login', { email: adminEmail, password: adminPassword })
    ).body as Tokens;

    expect((await call('GET', `/users/${ada.id}`, undefined, ada.tokens.accessToken)).status).toBe(
      200,
    );
    expect(
      (await call('GET', `/users/${ada.id}`, undefined, grace.tokens.accessToken)).status,
    ).toBe(404);
    expect((await call('GET', `/users/${ada.id}`, undefined, admin.accessToken)).body.email).toBe(
      ada.email,
    );
  });

  it('slows one address guessing an account with growing waits (429, Retry-After), even for the right password and for an unknown email, while the owner signs in from another address', async () => {
    const { email } = await registeredCustomer();
    const unknown = newEmail();
    const attacker = { 'x-forwarded-for': '192.0.2.10' };
    const guess = (account: string, guessed = 'a wrong password, again') =>
      call('POST', '/auth/login', { email: account, password: guessed }, undefined, attacker);

    const first = [await guess(email), await guess(email), await guess(email)];
    const rightButWaiting = await guess(email, password);
    const hammering = await Promise.all(Array.from({ length: 10 }, () => guess(email)));
    const unknownFirst = [await guess(unknown), await guess(unknown), await guess(unknown)];
    const unknownWaiting = await guess(unknown);
    const owner = await call('POST', '/auth/login', { email, password }, undefined, {
      'x-forwarded-for': '198.51.100.20',
    });
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const afterTheWait = await guess(email);
    const longerWait = await guess(email);

    expect(first.map((answer) => answer.status)).toEqual([401, 401, 401]);
    expect(rightButWaiting.status).toBe(429);
    expect(rightButWaiting.retryAfter).toBe('1');
    expect(rightButWaiting.type).toContain('application/problem+json');
    expect(rightButWaiting.body.type).toBe('https://shop.example/problems/too-many-login-attempts');
    expect(unknownFirst.map((answer) => answer.status)).toEqual([401, 401, 401]);
    expect(unknownWaiting.status).toBe(429);
    expect(hammering.every((answer) => answer.status === 429)).toBe(true);
    expect(owner.status).toBe(200);
    expect(afterTheWait.status).toBe(401);
    expect(longerWait.status).toBe(429);
    expect(longerWait.retryAfter).toBe('2');
  });

  it('counts attempts atomically: a burst of concurrent guesses gets no more through than the limit, nor does a rotation of addresses in one IPv6 /64', async () => {
    const { email } = await registeredCustomer();
    const burst = await Promise.all(
      Array.from({ length: 12 }, () =>
        call('POST', '/auth/login', { email, password: 'guessed at once' }, undefined, {
          'x-forwarded-for': '192.0.2.11',
        }),
      ),
    );
    const rotated = [];
    for (let host = 1; host <= 5; host += 1) {
      rotated.push(
        await call('POST', '/auth/login', { email, password: 'guessed again' }, undefined, {
          'x-forwarded-for': `2001:db8:1:2::${host}`,
        }),
      );
    }

    const statuses = burst.map((answer) => answer.status).sort();
    expect(statuses).toEqual([...Array(3).fill(401), ...Array(9).fill(429)]);
    expect(rotated.map((answer) => answer.status)).toEqual([401, 401, 401, 429, 429]);
  });

  it('blocks a client address that fails too often across accounts, not the others (behind a trusted proxy)', async () => {
    const stuffer = { 'x-forwarded-for': '203.0.113.9' };
    for (let attempt = 0; attempt < 30; attempt += 1) {
      await call(
        'POST',
        '/auth/login',
        { email: newEmail(), password: 'stuffed credentials' },
        undefined,
        stuffer,
      );
    }
    const { email } = await registeredCustomer();

    const fromStuffer = await call('POST', '/auth/login', { email, password }, undefined, stuffer);
    const fromElsewhere = await call('POST', '/auth/login', { email, password }, undefined, {
      'x-forwarded-for': '198.51.100.7',
    });

    expect(fromStuffer.status).toBe(429);
    expect(fromElsewhere.status).toBe(200);
  });

  it('exposes Prometheus metrics by route, without a token', async () => {
    await call('POST', '/auth/login', { email: newEmail(), password: 'not known at all' });

    const response = await fetch(`${baseUrl}/metrics`);
    const text = await response.text();

    expect(response.status).toBe(200);
    expect(text).toMatch(
      /http_requests_total\{method="POST",route="\/auth\/login",status="401",service="user"\} \d+/,
    );
  });

  it('answers its health checks without a token', async () => {
    expect(await call('GET', '/health/live')).toMatchObject({
      status: 200,
      body: { status: 'ok' },
    });
    expect(await call('GET', '/health/ready')).toMatchObject({
      status: 200,
      body: { checks: { database: 'up', kafka: 'up', consumer: 'none' } },
    });
  });

  /** A second user service on the same database, bootstrapping the admin `email`. */
  const anotherInstance = async (email: string, password: string) => {
    const port = await freePort();
    const app = await createUserApp(
      loadUserConfig({
        NODE_ENV: 'test',
        PORT: String(port),
        USER_DATABASE_URL: database.url,
        KAFKA_BROKERS: kafka.brokers.join(','),
        KAFKA_TOPIC_PREFIX: kafka.prefix,
        ADMIN_EMAIL: email,
        ADMIN_PASSWORD: password,
      }),
    );
    return { again: app, port };
  };

  it('starts again on a database where its admin account already exists (a restart)', async () => {
    const { again, port } = await anotherInstance(adminEmail, adminPassword);
    try {
      await startService(again, { port, host: '127.0.0.1' });
      const ready = await fetch(`http://127.0.0.1:${port}/health/ready`);
      expect(ready.status).toBe(200);
    } finally {
      await again.close();
    }
  });

  it('never promotes an existing account: an ADMIN_EMAIL a customer registered stops the start-up, the account unchanged', async () => {
    const { email, tokens } = await registeredCustomer();
    const { again, port } = await anotherInstance(
      email.toUpperCase(),
      'the operator meant another passphrase',
    );
    try {
      await expect(startService(again, { port, host: '127.0.0.1' })).rejects.toThrow(
        new InvalidConfigurationError(
          `ADMIN_EMAIL ${email} belongs to an existing account without the admin role; ` +
            'an existing account is never promoted: choose an address no account uses',
        ),
      );
    } finally {
      await again.close();
    }

    const login = await call('POST', '/auth/login', { email, password });
    const claims = JSON.parse(
      Buffer.from(login.body.accessToken.split('.')[1], 'base64url').toString(),
    );
    expect(login.status).toBe(200);
    expect(claims.roles).toEqual(['customer']);
    expect((await call('GET', '/users', undefined, tokens.accessToken)).status).toBe(403);
  });

  it('serves its OpenAPI document, as committed (UPDATE_OPENAPI=1 rewrites apps/user/openapi.json)', async () => {
    const served = await call('GET', '/docs-json');
    const rendered = `${JSON.stringify(served.body, null, 2)}\n`;
    if (process.env['UPDATE_OPENAPI'] === '1') writeFileSync(committedOpenApi, rendered);

    expect(served.status).toBe(200);
    expect(Object.keys(served.body.paths)).toEqual(
      expect.arrayContaining([
        '/auth/register',
        '/auth/login',
        '/users/me',
        '/users/me/addresses',
        '/users/{id}',
      ]),
    );
    expect(readFileSync(committedOpenApi, 'utf8')).toBe(rendered);
  });
});

describe('user service configuration', () => {
  it('names every missing or bad variable in one message', () => {
    const message = (() => {
      try {
        loadUserConfig({ PORT: 'eighty', KAFKA_BROKERS: '' });
      } catch (error) {
        expect(error).toBeInstanceOf(InvalidConfigurationError);
        return (error as Error).message;
      }
      throw new Error('the configuration was accepted');
    })();

    expect(message).toContain('PORT');
    expect(message).toContain('USER_DATABASE_URL');
    expect(message).toContain('KAFKA_BROKERS');
  });

  it('refuses previous public keys that are not a JWKS of public RSA keys with ids', () => {
    const base = {
      NODE_ENV: 'test',
      USER_DATABASE_URL: 'postgres://u:p@db/users',
      KAFKA_BROKERS: 'k:9092',
    };

    expect(() => loadUserConfig({ ...base, AUTH_PREVIOUS_PUBLIC_KEYS: 'not json' })).toThrow(
      /AUTH_PREVIOUS_PUBLIC_KEYS.*not JSON/,
    );
    expect(() =>
      loadUserConfig({
        ...base,
        AUTH_PREVIOUS_PUBLIC_KEYS: JSON.stringify({ keys: [{ kty: 'RSA', n: 'x', e: 'AQAB' }] }),
      }),
    ).toThrow(/AUTH_PREVIOUS_PUBLIC_KEYS/);
    const privateMembers = loadUserConfig({
      ...base,
      AUTH_PREVIOUS_PUBLIC_KEYS: JSON.stringify({
        keys: [{ kty: 'RSA', n: 'x', e: 'AQAB', kid: 'old', d: 'secret' }],
      }),
    });
    expect(privateMembers.AUTH_PREVIOUS_PUBLIC_KEYS?.keys).toEqual([
      { kty: 'RSA', n: 'x', e: 'AQAB', kid: 'old', alg: 'RS256', use: 'sig' },
    ]);
  });

  it('refuses to start without a signing key unless NODE_ENV says development or test', () => {
    const base = { USER_DATABASE_URL: 'postgres://u:p@db/users', KAFKA_BROKERS: 'k:9092' };

    expect(() => loadUserConfig({ ...base, NODE_ENV: 'production' })).toThrow(
      /AUTH_PRIVATE_KEY is required/,
    );
    expect(() => loadUserConfig(base)).toThrow(/AUTH_PRIVATE_KEY is required/);
    expect(loadUserConfig({ ...base, NODE_ENV: 'development' }).AUTH_PRIVATE_KEY).toBeUndefined();
  });
});
