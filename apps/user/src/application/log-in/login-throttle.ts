import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { TooManyLoginAttemptsError } from '../../domain/user.errors';
import {
  LoginThrottleTypeormRepository,
  type ThrottleRule,
} from '../../infrastructure/persistence/login-throttle.typeorm-repository';

// Per account: guessing one password. Per address: trying many accounts (credential stuffing).
const ACCOUNT_RULE: ThrottleRule = { maxFailures: 5, windowSeconds: 900, blockSeconds: 900 };
const ADDRESS_RULE: ThrottleRule = { maxFailures: 30, windowSeconds: 900, blockSeconds: 900 };

/**
 * Login abuse limits. Keys are the email as typed (normalized), not the
 * account: an unknown email is throttled exactly like a known one, so the
 * limit reveals no account either.
 */
@Injectable()
export class LoginThrottle {
  constructor(private readonly dataSource: DataSource) {}

  async assertAllowed(email: string, clientAddress: string): Promise<void> {
    const throttles = new LoginThrottleTypeormRepository(this.dataSource.manager);
    const wait = Math.max(
      await throttles.blockedFor(`account:${email}`),
      await throttles.blockedFor(`address:${clientAddress}`),
    );
    if (wait > 0) throw new TooManyLoginAttemptsError(wait);
  }

  async recordFailure(email: string, clientAddress: string): Promise<void> {
    const throttles = new LoginThrottleTypeormRepository(this.dataSource.manager);
    await throttles.recordFailure(`account:${email}`, ACCOUNT_RULE);
    await throttles.recordFailure(`address:${clientAddress}`, ADDRESS_RULE);
  }

  async recordSuccess(email: string): Promise<void> {
    await new LoginThrottleTypeormRepository(this.dataSource.manager).clear(`account:${email}`);
  }
}
