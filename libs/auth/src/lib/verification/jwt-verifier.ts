import {
  createRemoteJWKSet,
  decodeProtectedHeader,
  errors,
  jwtVerify,
  type JWTVerifyGetKey,
} from 'jose';
import { type AuthenticatedUser } from '../authenticated-user';
import { isRole } from '../roles';
import { InvalidTokenError } from './invalid-token.error';

export interface JwtVerifierOptions {
  /** The user service's JWKS, e.g. http://user:3001/.well-known/jwks.json */
  jwksUrl: string;
  issuer: string;
  audience: string;
  /** How long fetched keys are trusted before the JWKS is fetched again. */
  cacheMaxAgeMs?: number;
  /** Minimum time between two fetches triggered by an unknown `kid` (a rotation). */
  cooldownMs?: number;
  clockToleranceSeconds?: number;
}

/**
 * Verifies RS256 access tokens against the issuer's JWKS: signature, `iss`,
 * `aud`, `exp`/`nbf`, and the algorithm (pinned: a token may not choose its
 * own, so neither `none` nor HS256-with-the-public-key gets through). Keys are
 * cached; a token signed with a new `kid` makes it fetch the JWKS again, so the
 * issuer can rotate keys without restarting anyone.
 */
export class JwtVerifier {
  private readonly keys: JWTVerifyGetKey;

  constructor(private readonly options: JwtVerifierOptions) {
    // jose skips the iss/aud checks for an empty expectation: refuse to be built that way.
    if (!options.issuer || !options.audience)
      throw new Error('JwtVerifier needs a non-empty issuer and audience');
    this.keys = createRemoteJWKSet(new URL(options.jwksUrl), {
      cacheMaxAge: options.cacheMaxAgeMs ?? 10 * 60_000,
      cooldownDuration: options.cooldownMs ?? 30_000,
      timeoutDuration: 5_000,
    });
  }

  async verify(token: string | undefined): Promise<AuthenticatedUser> {
    if (!token) throw new InvalidTokenError('missing', 'no bearer token');
    // Every token of ours names its key; without a kid, a JWKS mid-rotation matches two keys.
    if (!kidOf(token)) throw new InvalidTokenError('malformed', 'the token names no key (kid)');
    let payload;
    try {
      ({ payload } = await jwtVerify(token, this.keys, {
        algorithms: ['RS256'],
        issuer: this.options.issuer,
        audience: this.options.audience,
        requiredClaims: ['sub', 'exp', 'iat'],
        clockTolerance: this.options.clockToleranceSeconds ?? 5,
      }));
    } catch (error) {
      // Not a token problem (the JWKS is unreachable, say): not the caller's fault, not a 401.
      throw classify(error) ?? error;
    }
    const roles = Array.isArray(payload['roles']) ? payload['roles'] : [];
    if (!payload.sub || !roles.every(isRole)) {
      throw new InvalidTokenError('invalid-claims', 'the token has no subject or an unknown role');
    }
    return { id: payload.sub, roles, token };
  }
}

function kidOf(token: string): string | undefined {
  try {
    return decodeProtectedHeader(token).kid;
  } catch (error) {
    throw new InvalidTokenError(
      'malformed',
      `the token is not a JWT (${(error as Error).message})`,
    );
  }
}

function classify(error: unknown): InvalidTokenError | undefined {
  if (error instanceof errors.JWTExpired)
    return new InvalidTokenError('expired', 'the token has expired');
  if (error instanceof errors.JWTClaimValidationFailed) {
    return new InvalidTokenError('invalid-claims', `claim ${error.claim} is invalid`);
  }
  if (
    error instanceof errors.JWKSNoMatchingKey ||
    error instanceof errors.JWKSMultipleMatchingKeys
  ) {
    return new InvalidTokenError('unknown-key', 'no key of the issuer matches the token');
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return new InvalidTokenError('invalid-signature', 'the signature does not verify');
  }
  if (
    error instanceof errors.JOSEAlgNotAllowed ||
    error instanceof errors.JWSInvalid ||
    error instanceof errors.JWTInvalid ||
    error instanceof errors.JOSENotSupported
  ) {
    return new InvalidTokenError('malformed', 'the token is not a valid RS256 JWT');
  }
  return undefined;
}
