import { Injectable } from '@nestjs/common';
import { UserRegisteredV1 } from '@shop/contracts';
import { MessagePublisher } from '@shop/messaging';
import { v7 as uuidv7 } from 'uuid';
import { DataSource } from 'typeorm';
import { normalizeEmail } from '../../domain/email-address';
import { assertPasswordAcceptable } from '../../domain/password-policy';
import { EmailAlreadyRegisteredError } from '../../domain/user.errors';
import { UserTypeormRepository } from '../../infrastructure/persistence/user.typeorm-repository';
import { Argon2PasswordHasher } from '../../infrastructure/security/argon2-password.hasher';
import { type RegisterCustomerCommand } from './register-customer.command';

/** Creates a customer account and announces it (user.UserRegistered.v1) in the same transaction. */
@Injectable()
export class RegisterCustomerHandler {
  constructor(
    private readonly dataSource: DataSource,
    private readonly hasher: Argon2PasswordHasher,
    private readonly publisher: MessagePublisher,
  ) {}

  async execute(command: RegisterCustomerCommand): Promise<{ id: string; email: string }> {
    const email = normalizeEmail(command.email);
    assertPasswordAcceptable(command.password, email);
    const passwordHash = await this.hasher.hash(command.password);
    const id = uuidv7();
    await this.dataSource.transaction(async (manager) => {
      const inserted = await new UserTypeormRepository(manager).insert({
        id,
        email,
        passwordHash,
        roles: ['customer'],
        name: command.name ?? null,
      });
      if (!inserted) throw new EmailAlreadyRegisteredError();
      await this.publisher.publish(
        manager,
        UserRegisteredV1,
        { userId: id, email, roles: ['customer'] },
        { correlationId: id },
      );
    });
    return { id, email };
  }
}
