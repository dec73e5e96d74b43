import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, type JWK, type KeyLike, SignJWT } from 'jose';

interface SigningKey {
  kid: string;
  privateKey: KeyLike;
  publicJwk: JWK;
}

export interface TestTokenClaims {
  sub: string;
  roles?: string[];
  /** e.g. '15m'; a negative age ('-1m') issues an expired token. */
  expiresIn?: string;
  issuer?: string;
  audience?: string;
}

async function newSigningKey(): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const kid = randomUUID();
  return {
    kid,
    privateKey,
    publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' },
  };
}

/**
 * Plays the user service's token side in tests: an RS256 key pair, a real
 * HTTP JWKS endpoint on loopback, and tokens with the claims a test asks for.
 */
export class TestTokenIssuer {
  /** How many times the JWKS was fetched: caching and rotation are observable. */
  jwksRequests = 0;
  private keys: SigningKey[];
  private readonly server: Server;

  private constructor(
    first: SigningKey,
    readonly issuer: string,
    readonly audience: string,
  ) {
    this.keys = [first];
    this.server = createServer((request, response) => {
      if (request.url !== '/.well-known/jwks.json') {
        response.writeHead(404).end();
        return;
      }
      this.jwksRequests += 1;
      response
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ keys: this.keys.map((key) => key.publicJwk) }));
    });
  }

  static async start(
    options: { issuer?: string; audience?: string } = {},
  ): Promise<TestTokenIssuer> {
    const issuer = new TestTokenIssuer(
      await newSigningKey(),
      options.issuer ?? 'https://user.shop.test',
      options.audience ?? 'shop',
    );
    await new Promise<void>((resolve) => issuer.server.listen(0, '127.0.0.1', resolve));
    return issuer;
  }

  get jwksUrl(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/.well-known/jwks.json`;
  }

  async issue(claims: TestTokenClaims): Promise<string> {
    return this.sign(claims, true);
  }

  /** Signed with the current key, but its header names no key. */
  async issueWithoutKid(claims: TestTokenClaims): Promise<string> {
    return this.sign(claims, false);
  }

  /** Signed with a key of its own id that the JWKS never served. */
  async issueWithUnpublishedKey(claims: TestTokenClaims): Promise<string> {
    return this.sign(claims, true, await newSigningKey());
  }

  private sign(
    claims: TestTokenClaims,
    withKid: boolean,
    key = this.keys[this.keys.length - 1] as SigningKey,
  ): Promise<string> {
    return new SignJWT({ roles: claims.roles ?? ['customer'] })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', ...(withKid ? { kid: key.kid } : {}) })
      .setSubject(claims.sub)
      .setIssuer(claims.issuer ?? this.issuer)
      .setAudience(claims.audience ?? this.audience)
      .setIssuedAt()
      .setExpirationTime(claims.expiresIn ?? '15m')
      .sign(key.privateKey);
  }

  /** A token with the current key id, signed by a key the JWKS does not hold (a forgery). */
  async forge(claims: TestTokenClaims): Promise<string> {
    const impostor = await newSigningKey();
    const kid = (this.keys[this.keys.length - 1] as SigningKey).kid;
    return new SignJWT({ roles: claims.roles ?? ['admin'] })
      .setProtectedHeader({ alg: 'RS256', kid })
      .setSubject(claims.sub)
      .setIssuer(this.issuer)
      .setAudience(this.audience)
      .setIssuedAt()
      .setExpirationTime('15m')
      .sign(impostor.privateKey);
  }

  /** Starts signing with a new key; the JWKS serves both, as during a real rotation. */
  async rotate(): Promise<void> {
    this.keys.push(await newSigningKey());
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve, reject) =>
      this.server.close((error) => (error ? reject(error) : resolve())),
    );
  }
}
