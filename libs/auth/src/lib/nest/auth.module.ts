import { type DynamicModule, Module, type ModuleMetadata } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtVerifier, type JwtVerifierOptions } from '../verification/jwt-verifier';
import { JwtAuthGuard } from './jwt-auth.guard';
import { RolesGuard } from './roles.guard';

export interface AuthModuleAsyncOptions extends Pick<ModuleMetadata, 'imports'> {
  inject?: unknown[];
  useFactory: (...args: never[]) => JwtVerifierOptions | Promise<JwtVerifierOptions>;
}

/**
 * Authentication for a whole service: every route needs a valid token unless
 * @Public(), and @Roles(...) where given. Guards run in this order.
 */
@Module({})
export class AuthModule {
  static forRootAsync(options: AuthModuleAsyncOptions): DynamicModule {
    return {
      module: AuthModule,
      global: true,
      imports: options.imports ?? [],
      providers: [
        {
          provide: JwtVerifier,
          inject: (options.inject ?? []) as never[],
          useFactory: async (...args: never[]) =>
            new JwtVerifier(await options.useFactory(...args)),
        },
        { provide: APP_GUARD, useClass: JwtAuthGuard },
        { provide: APP_GUARD, useClass: RolesGuard },
      ],
      exports: [JwtVerifier],
    };
  }
}
