import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { type Role } from '@shop/auth';
import { UserRegisteredV1 } from '@shop/contracts';
import { MessagePublisher } from '@shop/messaging';
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
 * the demo customer), once: an existing account keeps its password, so a
 * restart never resets what its owner changed. Safe with several replicas:
 * the unique email index lets one of them create it.
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
    if (ADMIN_EMAIL && ADMIN_PASSWORD) await this.ensure(ADMIN_EMAIL, ADMIN_PASSWORD, ['admin']);
    if (DEMO_CUSTOMER_EMAIL && DEMO_CUSTOMER_PASSWORD) {
      await this.ensure(DEMO_CUSTOMER_EMAIL, DEMO_CUSTOMER_PASSWORD, ['customer']);
    }
  }

  private async ensure(rawEmail: string, password: string, roles: Role[]): Promise<void> {
    const email = normalizeEmail(rawEmail);
    assertPasswordAcceptable(password, email);
    const passwordHash = await this.hasher.hash(password);
    await this.dataSource.transaction(async (manager) => {
      const users = new UserTypeormRepository(manager);
      const id = uuidv7();
      if (await users.insert({ id, email, passwordHash, roles, name: null })) {
        await this.publisher.publish(
          manager,
          UserRegisteredV1,
          { userId: id, email, roles },
          { correlationId: id },
        );
        this.logger.log(`created the ${roles.join('/')} account ${email}`);
        return;
      }
      await users.grantRoles(email, roles);
    });
  }
}
