import { Inject, Injectable } from '@nestjs/common';
import { type Role } from '@shop/auth';
import { SignJWT } from 'jose';
import { createHash, randomBytes } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import { type EntityManager } from 'typeorm';
import { USER_CONFIG } from '../../config/user-config.token';
import { type UserConfig } from '../../config/user-config';
import { RefreshTokenTypeormRepository } from '../persistence/refresh-token.typeorm-repository';
import { SigningKeys } from './signing-keys';

export interface SessionTokens {
  accessToken: string;
  refreshToken: string;
  tokenType: 'Bearer';
  /** Seconds until the access token expires. */
  expiresIn: number;
}

const DAY_MS = 86_400_000;

export const hashRefreshToken = (token: string): string =>
  createHash('sha256').update(token).digest('hex');

/** A session being continued: its family and the absolute end set at its login. */
export interface ContinuedSession {
  familyId: string;
  sessionExpiresAt: Date;
}

/**
 * Issues a short-lived RS256 access token and a refresh token of a session
 * family. A refresh token lives AUTH_REFRESH_TOKEN_TTL_DAYS, never past the
 * session's absolute end (AUTH_SESSION_MAX_DAYS after the login), which
 * rotation carries over unchanged: a stolen session cannot be kept alive forever.
 */
@Injectable()
export class SessionTokensIssuer {
  constructor(
    @Inject(USER_CONFIG) private readonly config: UserConfig,
    private readonly keys: SigningKeys,
  ) {}

  async issue(
    manager: EntityManager,
    user: { id: string; roles: Role[] },
    continued?: ContinuedSession,
  ): Promise<SessionTokens> {
    const now = Date.now();
    const sessionExpiresAt =
      continued?.sessionExpiresAt ?? new Date(now + this.config.AUTH_SESSION_MAX_DAYS * DAY_MS);
    const expiresAt = new Date(
      Math.min(now + this.config.AUTH_REFRESH_TOKEN_TTL_DAYS * DAY_MS, sessionExpiresAt.getTime()),
    );
    const ttl = this.config.AUTH_ACCESS_TOKEN_TTL_SECONDS;
    const accessToken = await new SignJWT({ roles: user.roles })
      .setProtectedHeader({ alg: 'RS256', kid: this.keys.current.kid, typ: 'JWT' })
      .setSubject(user.id)
      .setIssuer(this.config.AUTH_ISSUER)
      .setAudience(this.config.AUTH_AUDIENCE)
      .setIssuedAt()
      .setJti(uuidv7())
      .setExpirationTime(`${ttl}s`)
      .sign(this.keys.current.privateKey);
    const refreshToken = randomBytes(32).toString('base64url');
    await new RefreshTokenTypeormRepository(manager).insert({
      id: uuidv7(),
      userId: user.id,
      familyId: continued?.familyId ?? uuidv7(),
      tokenHash: hashRefreshToken(refreshToken),
      expiresAt,
      sessionExpiresAt,
    });
    return { accessToken, refreshToken, tokenType: 'Bearer', expiresIn: ttl };
  }
}
