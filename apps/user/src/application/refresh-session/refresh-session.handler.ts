import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { InvalidRefreshTokenError } from '../../domain/user.errors';
import { RefreshTokenTypeormRepository } from '../../infrastructure/persistence/refresh-token.typeorm-repository';
import { UserTypeormRepository } from '../../infrastructure/persistence/user.typeorm-repository';
import {
  hashRefreshToken,
  type SessionTokens,
  SessionTokensIssuer,
} from '../../infrastructure/security/session-tokens.issuer';
import { type RefreshSessionCommand } from './refresh-session.command';

/**
 * Rotates a refresh token: the presented one is spent and a new one of the
 * same family issued. A spent token presented again means it was stolen (or
 * the client is broken): the whole family is revoked, logging out both.
 * Rotation never moves the session's absolute end.
 */
@Injectable()
export class RefreshSessionHandler {
  constructor(
    private readonly dataSource: DataSource,
    private readonly tokens: SessionTokensIssuer,
  ) {}

  async execute(command: RefreshSessionCommand): Promise<SessionTokens> {
    const outcome = await this.dataSource.transaction(async (manager) => {
      const refreshTokens = new RefreshTokenTypeormRepository(manager);
      const tokenHash = hashRefreshToken(command.refreshToken);
      const found = await refreshTokens.findByHashForUpdate(tokenHash);
      if (!found) return new InvalidRefreshTokenError('unknown');
      await refreshTokens.lockFamily(found.familyId);
      // Read again under the family lock: a concurrent rotation or revocation has finished.
      const stored = await refreshTokens.findByHashForUpdate(tokenHash);
      if (!stored || stored.revokedAt || (await refreshTokens.isFamilyRevoked(stored.familyId))) {
        return new InvalidRefreshTokenError('revoked');
      }
      if (stored.usedAt) {
        await refreshTokens.revokeFamily(stored.familyId);
        return new InvalidRefreshTokenError('already used; the session is revoked');
      }
      if (stored.sessionExpiresAt.getTime() <= Date.now()) {
        return new InvalidRefreshTokenError(
          'the session reached its maximum lifetime; log in again',
        );
      }
      if (stored.expiresAt.getTime() <= Date.now()) return new InvalidRefreshTokenError('expired');
      const user = await new UserTypeormRepository(manager).findById(stored.userId);
      if (!user) return new InvalidRefreshTokenError('the account no longer exists');
      await refreshTokens.markUsed(stored.id);
      return this.tokens.issue(manager, user, stored);
    });
    // Thrown after the commit: the revocation of a reused family must not roll back.
    if (outcome instanceof InvalidRefreshTokenError) throw outcome;
    return outcome;
  }
}
