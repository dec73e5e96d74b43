import { Injectable } from '@nestjs/common';
import ipaddr from 'ipaddr.js';
import { DataSource } from 'typeorm';
import { TooManyLoginAttemptsError } from '../../domain/user.errors';
import {
  LoginThrottleTypeormRepository,
  type ThrottleRule,
} from '../../infrastructure/persistence/login-throttle.typeorm-repository';

/**
 * One address guessing one account's password: three attempts without a
 * wait, then a wait before each next one (1 s, 2 s, 4 s… up to 15 minutes),
 * counted over a day.
 */
const ACCOUNT_AT_ADDRESS_RULE: ThrottleRule = {
  waitFrom: 3,
  firstWaitSeconds: 1,
  maxWaitSeconds: 900,
  windowSeconds: 86_400,
};
/** One address trying many accounts (credential stuffing): 30 attempts, then 15 minutes' wait. */
const ADDRESS_RULE: ThrottleRule = {
  waitFrom: 30,
  firstWaitSeconds: 900,
  maxWaitSeconds: 900,
  windowSeconds: 900,
};

/**
 * Login abuse limits, by client address and by (account, client address);
 * never by account alone: anyone may send attempts for any email, and a
 * limit on the account would let them lock its owner out. The owner signs in
 * from an address the attacker does not use while the attacker waits.
 *
 * Every attempt is claimed (counted) before the password is checked and
 * released when it succeeds, so concurrent attempts cannot run past a limit.
 * The account key is the email as typed (normalized): an unknown email is
 * throttled exactly like a known one, so the limit reveals no account.
 */
@Injectable()
export class LoginThrottle {
  constructor(private readonly dataSource: DataSource) {}

  /** Counts an attempt, or throws `TooManyLoginAttemptsError` when one of the limits says wait. */
  async claimAttempt(email: string, clientAddress: string): Promise<void> {
    const { address, accountAtAddress } = keysOf(email, clientAddress);
    // Both counted or neither: an attempt refused by one limit does not use up the other.
    await this.dataSource.transaction(async (manager) => {
      const throttles = new LoginThrottleTypeormRepository(manager);
      for (const [key, rule] of [
        [address, ADDRESS_RULE],
        [accountAtAddress, ACCOUNT_AT_ADDRESS_RULE],
      ] as const) {
        const claim = await throttles.claim(key, rule);
        if (!claim.granted) throw new TooManyLoginAttemptsError(claim.retryAfterSeconds);
      }
    });
  }

  /** The attempt succeeded: the account's count at this address starts again, the address's is given back one. */
  async recordSuccess(email: string, clientAddress: string): Promise<void> {
    const { address, accountAtAddress } = keysOf(email, clientAddress);
    await this.dataSource.transaction(async (manager) => {
      const throttles = new LoginThrottleTypeormRepository(manager);
      await throttles.clear(accountAtAddress);
      await throttles.release(address, ADDRESS_RULE);
    });
  }
}

function keysOf(
  email: string,
  clientAddress: string,
): { address: string; accountAtAddress: string } {
  const address = `address:${addressSubject(clientAddress)}`;
  return { address, accountAtAddress: `account:${email} ${address}` };
}

/**
 * The subject a client address stands for: an IPv4 address itself (also when
 * IPv4-mapped), an IPv6 address its /64, the smallest block a single
 * customer line gets: counting single IPv6 addresses would give one attacker
 * 2^64 fresh ones.
 */
export function addressSubject(clientAddress: string): string {
  if (!ipaddr.isValid(clientAddress)) return clientAddress;
  const parsed = ipaddr.process(clientAddress);
  if (parsed.kind() === 'ipv4') return parsed.toString();
  const prefix = (parsed as ipaddr.IPv6).parts.slice(0, 4).map((part) => part.toString(16));
  return `${prefix.join(':')}::/64`;
}
