import { type AuthenticatedUser, InvalidTokenError, JwtVerifier } from '@shop/auth';
import { EdgeError, forbidden, unauthenticated } from './edge.errors';

/**
 * Verifies the bearer token at the edge against the user service's JWKS
 * (cached; an unknown `kid` refetches it, so key rotation needs no restart).
 * The token is forwarded as it came: every service verifies it again.
 */
export class EdgeAuthenticator {
  constructor(private readonly verifier: JwtVerifier) {}

  async authenticate(
    authorization: string | undefined,
    access: 'user' | 'admin',
  ): Promise<AuthenticatedUser> {
    const token = /^Bearer ([\w-]+\.[\w-]+\.[\w-]+)$/.exec(authorization ?? '')?.[1];
    if (!token) throw unauthenticated('a bearer token is required');
    let user: AuthenticatedUser;
    try {
      user = await this.verifier.verify(token);
    } catch (error) {
      if (error instanceof InvalidTokenError) throw unauthenticated(error.message);
      // The JWKS could not be fetched: the caller's token may be fine, so not a 401.
      throw new EdgeError(503, 'auth-unavailable', 'tokens cannot be verified right now', {
        'retry-after': '5',
      });
    }
    if (access === 'admin' && !user.roles.includes('admin')) throw forbidden();
    return user;
  }
}
