import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { normalizeEmail } from '../../domain/email-address';
import { InvalidCredentialsError } from '../../domain/user.errors';
import { UserTypeormRepository } from '../../infrastructure/persistence/user.typeorm-repository';
import { Argon2PasswordHasher } from '../../infrastructure/security/argon2-password.hasher';
import {
  type SessionTokens,
  SessionTokensIssuer,
} from '../../infrastructure/security/session-tokens.issuer';
import { type LogInCommand } from './log-in.command';
import { LoginThrottle } from './login-throttle';

/** Checks the credentials (as slowly for an unknown email as for a wrong password) and opens a session. */
@Injectable()
export class LogInHandler {
  constructor(
    private readonly dataSource: DataSource,
    private readonly hasher: Argon2PasswordHasher,
    private readonly tokens: SessionTokensIssuer,
    private readonly throttle: LoginThrottle,
  ) {}

  async execute(command: LogInCommand): Promise<SessionTokens> {
    const email = normalizeEmail(command.email);
    await this.throttle.claimAttempt(email, command.clientAddress);
    const user = await new UserTypeormRepository(this.dataSource.manager).findByEmail(email);
    const valid = await this.hasher.verify(user?.passwordHash, command.password);
    if (!user || !valid) {
      throw new InvalidCredentialsError();
    }
    await this.throttle.recordSuccess(email, command.clientAddress);
    return this.dataSource.transaction((manager) => this.tokens.issue(manager, user));
  }
}
