import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { type Role } from '@shop/auth';
import { UserRegisteredV1 } from '@shop/contracts';
import { MessagePublisher } from '@shop/messaging';
import { InvalidConfigurationError } from '@shop/service-kit';
import { v7 as uuidv7 } from 'uuid';
import { DataSource } from 'typeorm';
import { type UserConfig } from '../../config/user-config';
import { USER_CONFIG } from '../../config/user-config.token';
import { normalizeEmail } from '../../domain/email-address';
import { assertPasswordAcceptable } from '../../domain/password-policy';
import { UserTypeormRepository } from '../../infrastructure/persistence/user.typeorm-repository';
import { Argon2PasswordHasher } from '../../infrastructure/security/argon2-password.hasher';

/**
 * Creates the accounts the environment asks for at start-up (the admin, and
 * the demo customer) when they are absent, and never changes an existing one:
 * it keeps its password (a restart never resets what its owner changed) and
 * its roles. Registration is public, so an account that already holds
 * ADMIN_EMAIL may be anyone's: promoting it would hand the admin role to
 * whoever registered that address first. When the address belongs to an
 * account without the admin role, the service refuses to start instead.
 * Safe with several replicas: the unique email index lets one of them create it.
 */
@Injectable()
export class AccountBootstrapper implements OnApplicationBootstrap {
  private readonly logger = new Logger('AccountBootstrapper');

  constructor(
    @Inject(USER_CONFIG) private readonly config: UserConfig,
    private readonly dataSource: DataSource,
    private readonly hasher: Argon2PasswordHasher,
    private readonly publisher: MessagePublisher,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { ADMIN_EMAIL, ADMIN_PASSWORD, DEMO_CUSTOMER_EMAIL, DEMO_CUSTOMER_PASSWORD } =
      this.config;
    if (ADMIN_EMAIL && ADMIN_PASSWORD) {
      const existing = await this.createUnlessPresent(ADMIN_EMAIL, ADMIN_PASSWORD, ['admin']);
      if (existing && !existing.roles.includes('admin')) {
        throw new InvalidConfigurationError(
          `ADMIN_EMAIL ${existing.email} belongs to an existing account without the admin role; ` +
            'an existing account is never promoted: choose an address no account uses',
        );
      }
    }
    if (DEMO_CUSTOMER_EMAIL && DEMO_CUSTOMER_PASSWORD) {
      await this.createUnlessPresent(DEMO_CUSTOMER_EMAIL, DEMO_CUSTOMER_PASSWORD, ['customer']);
    }
  }

  /** Creates the account; when the email is taken, changes nothing and returns who holds it. */
  private async createUnlessPresent(
    rawEmail: string,
    password: string,
    roles: Role[],
  ): Promise<{ email: string; roles: Role[] } | undefined> {
    const email = normalizeEmail(rawEmail);
    assertPasswordAcceptable(password, email);
    const present = await new UserTypeormRepository(this.dataSource.manager).findByEmail(email);
    if (present) return present;
    const passwordHash = await this.hasher.hash(password);
    return this.dataSource.transaction(async (manager) => {
      const users = new UserTypeormRepository(manager);
      const id = uuidv7();
      if (!(await users.insert({ id, email, passwordHash, roles, name: null }))) {
        // Another replica (or a registration) took the address since the read above.
        return users.findByEmail(email);
      }
      await this.publisher.publish(
        manager,
        UserRegisteredV1,
        { userId: id, email, roles },
        { correlationId: id },
      );
      this.logger.log(`created the ${roles.join('/')} account ${email}`);
      return undefined;
    });
  }
}
