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

export const hashRefreshToken = (token: string): string =>
  createHash('sha256').update(token).digest('hex');

/** Issues a short-lived RS256 access token and a refresh token of a session family. */
@Injectable()
export class SessionTokensIssuer {
  constructor(
    @Inject(USER_CONFIG) private readonly config: UserConfig,
    private readonly keys: SigningKeys,
  ) {}

  async issue(
    manager: EntityManager,
    user: { id: string; roles: Role[] },
    familyId: string = uuidv7(),
  ): Promise<SessionTokens> {
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
      familyId,
      tokenHash: hashRefreshToken(refreshToken),
      expiresAt: new Date(Date.now() + this.config.AUTH_REFRESH_TOKEN_TTL_DAYS * 86_400_000),
    });
    return { accessToken, refreshToken, tokenType: 'Bearer', expiresIn: ttl };
  }
}
