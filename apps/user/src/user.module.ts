import { type DynamicModule, Module } from '@nestjs/common';
import { AuthModule } from '@shop/auth';
import { Topics } from '@shop/contracts';
import { MessagingModule } from '@shop/messaging';
import { HealthModule, ObservabilityModule } from '@shop/observability';
import { postgresAndKafkaReadiness } from '@shop/service-kit/typeorm';
import { DataSource } from 'typeorm';
import { AccountBootstrapper } from './application/admin/account-bootstrapper';
import { AddAddressHandler } from './application/addresses/add-address.handler';
import { ListAddressesHandler } from './application/addresses/list-addresses.handler';
import { LogInHandler } from './application/log-in/log-in.handler';
import { LoginThrottle } from './application/log-in/login-throttle';
import { LogOutHandler } from './application/log-out/log-out.handler';
import { ProfileHandler } from './application/profile/profile.handler';
import { RefreshSessionHandler } from './application/refresh-session/refresh-session.handler';
import { RegisterCustomerHandler } from './application/register-customer/register-customer.handler';
import { type UserConfig } from './config/user-config';
import { USER_CONFIG } from './config/user-config.token';
import { UserDatabaseModule } from './infrastructure/persistence/user-database.module';
import { Argon2PasswordHasher } from './infrastructure/security/argon2-password.hasher';
import { SessionTokensIssuer } from './infrastructure/security/session-tokens.issuer';
import { SigningKeys } from './infrastructure/security/signing-keys';
import { AuthController } from './interface/http/auth.controller';
import { JwksController } from './interface/http/jwks.controller';
import { UsersController } from './interface/http/users.controller';

/** The user service: all wiring in one place. */
@Module({})
export class UserModule {
  static forConfig(config: UserConfig): DynamicModule {
    return {
      module: UserModule,
      imports: [
        UserDatabaseModule.forConfig(config),
        ObservabilityModule.forService('user', config),
        HealthModule.forChecks(postgresAndKafkaReadiness()),
        MessagingModule.forRootAsync({
          inject: [DataSource],
          useFactory: (dataSource: DataSource) => ({
            service: 'user',
            brokers: config.KAFKA_BROKERS,
            topicPrefix: config.KAFKA_TOPIC_PREFIX,
            dataSource,
            provisionTopics: [{ name: Topics.userEvents, partitions: 3, replicationFactor: 1 }],
          }),
        }),
        AuthModule.forRootAsync({
          useFactory: () => ({
            jwksUrl: config.AUTH_JWKS_URL,
            issuer: config.AUTH_ISSUER,
            audience: config.AUTH_AUDIENCE,
          }),
        }),
      ],
      controllers: [AuthController, UsersController, JwksController],
      providers: [
        // configuration and infrastructure
        { provide: USER_CONFIG, useValue: config },
        {
          provide: SigningKeys,
          useFactory: () =>
            SigningKeys.load({
              ...(config.AUTH_PRIVATE_KEY ? { privateKeyPem: config.AUTH_PRIVATE_KEY } : {}),
              ...(config.AUTH_PREVIOUS_PUBLIC_KEYS
                ? { previousPublicKeys: config.AUTH_PREVIOUS_PUBLIC_KEYS.keys }
                : {}),
            }),
        },
        Argon2PasswordHasher,
        SessionTokensIssuer,
        // use cases
        RegisterCustomerHandler,
        LogInHandler,
        LoginThrottle,
        RefreshSessionHandler,
        LogOutHandler,
        ProfileHandler,
        AddAddressHandler,
        ListAddressesHandler,
        // start-up
        AccountBootstrapper,
      ],
    };
  }
}
