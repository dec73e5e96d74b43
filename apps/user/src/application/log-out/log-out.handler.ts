import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { RefreshTokenTypeormRepository } from '../../infrastructure/persistence/refresh-token.typeorm-repository';
import { hashRefreshToken } from '../../infrastructure/security/session-tokens.issuer';
import { type LogOutCommand } from './log-out.command';

/**
 * Ends the session the refresh token belongs to (its whole family). Access
 * tokens already issued expire on their own within minutes. Idempotent, and
 * silent about tokens of other users: logout reveals nothing.
 */
@Injectable()
export class LogOutHandler {
  constructor(private readonly dataSource: DataSource) {}

  async execute(command: LogOutCommand): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const refreshTokens = new RefreshTokenTypeormRepository(manager);
      const stored = await refreshTokens.findByHashForUpdate(
        hashRefreshToken(command.refreshToken),
      );
      if (!stored || stored.userId !== command.userId) return;
      await refreshTokens.lockFamily(stored.familyId);
      await refreshTokens.revokeFamily(stored.familyId);
    });
  }
}
