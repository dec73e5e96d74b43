import { TestTokenIssuer } from '@shop/testing';
import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { InvalidTokenError, JwtVerifier } from '../src';

describe('JwtVerifier (tokens checked against a real JWKS endpoint)', () => {
  let issuer: TestTokenIssuer;
  let verifier: JwtVerifier;
  const userId = randomUUID();

  beforeAll(async () => {
    issuer = await TestTokenIssuer.start();
    verifier = new JwtVerifier({
      jwksUrl: issuer.jwksUrl,
      issuer: issuer.issuer,
      audience: issuer.audience,
      cooldownMs: 0,
    });
  });

  afterAll(() => issuer?.stop());

  const reasonOf = (token: string | undefined) =>
    verifier.verify(token).then(
      () => 'accepted',
      (error: unknown) =>
        error instanceof InvalidTokenError ? error.reason : `unexpected: ${String(error)}`,
    );

  it('accepts a valid token and returns the caller with its roles and token', async () => {
    const token = await issuer.issue({ sub: userId, roles: ['customer', 'admin'] });

    await expect(verifier.verify(token)).resolves.toEqual({
      id: userId,
      roles: ['customer', 'admin'],
      token,
    });
  });

  it.each([
    ['no token', async () => undefined, 'missing'],
    ['garbage', async () => 'not.a.jwt', 'malformed'],
    ['an expired token', () => issuer.issue({ sub: userId, expiresIn: '-1m' }), 'expired'],
    [
      'another audience',
      () => issuer.issue({ sub: userId, audience: 'someone-else' }),
      'invalid-claims',
    ],
    [
      'another issuer',
      () => issuer.issue({ sub: userId, issuer: 'https://evil.test' }),
      'invalid-claims',
    ],
    [
      'an unknown role',
      () => issuer.issue({ sub: userId, roles: ['superuser'] }),
      'invalid-claims',
    ],
    [
      'a forged signature under a known key id',
      () => issuer.forge({ sub: userId }),
      'invalid-signature',
    ],
    [
      'an HS256 token (algorithm confusion)',
      () =>
        new SignJWT({ roles: ['admin'] })
          .setProtectedHeader({ alg: 'HS256' })
          .setSubject(userId)
          .setIssuer(issuer.issuer)
          .setAudience(issuer.audience)
          .setIssuedAt()
          .setExpirationTime('5m')
          .sign(new TextEncoder().encode('a-guessable-shared-secret-of-32-bytes!')),
      'malformed',
    ],
    [
      'a tampered payload (roles changed after signing)',
      async () => {
        const [header, payload, signature] = (
          await issuer.issue({ sub: userId, roles: ['customer'] })
        ).split('.');
        const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString());
        const forged = Buffer.from(JSON.stringify({ ...claims, roles: ['admin'] })).toString(
          'base64url',
        );
        return `${header}.${forged}.${signature}`;
      },
      'invalid-signature',
    ],
    [
      'a key id the issuer never published',
      () => issuer.issueWithUnpublishedKey({ sub: userId }),
      'unknown-key',
    ],
    [
      'a token that names no key (no kid)',
      () => issuer.issueWithoutKid({ sub: userId }),
      'malformed',
    ],
    [
      'an unsigned token (alg none)',
      async () => {
        const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
        const now = Math.floor(Date.now() / 1000);
        return `${encode({ alg: 'none' })}.${encode({ sub: userId, roles: ['admin'], iss: issuer.issuer, aud: issuer.audience, iat: now, exp: now + 60 })}.`;
      },
      'malformed',
    ],
  ])('refuses %s', async (_case, makeToken, reason) => {
    expect(await reasonOf(await makeToken())).toBe(reason);
  });

  it('caches the keys, and fetches them again when tokens arrive signed with a rotated key', async () => {
    await verifier.verify(await issuer.issue({ sub: userId }));
    const fetchesBefore = issuer.jwksRequests;
    await verifier.verify(await issuer.issue({ sub: userId }));
    const cachedFetches = issuer.jwksRequests;

    await issuer.rotate();
    const rotated = await verifier.verify(await issuer.issue({ sub: userId }));

    expect(cachedFetches).toBe(fetchesBefore);
    expect(issuer.jwksRequests).toBe(fetchesBefore + 1);
    expect(rotated.id).toBe(userId);
  });
});
