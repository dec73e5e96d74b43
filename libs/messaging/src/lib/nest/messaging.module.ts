import { type DynamicModule, Module, type ModuleMetadata } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { MessagePublisher } from './message-publisher';
import { MessagingHealth } from './messaging-health';
import { MessagingLifecycle } from './messaging-lifecycle';
import { MESSAGING_OPTIONS, type MessagingModuleOptions } from './messaging-module-options';
import { MongoMessagePublisher } from './mongo-message-publisher';

export interface MessagingModuleAsyncOptions extends Pick<ModuleMetadata, 'imports'> {
  inject?: unknown[];
  useFactory: (...args: never[]) => MessagingModuleOptions | Promise<MessagingModuleOptions>;
}

/**
 * The outbox relay, the inbox consumer and the publisher for one service:
 * MessagePublisher on PostgreSQL (`dataSource`), MongoMessagePublisher on
 * MongoDB (`mongo`).
 */
@Module({})
export class MessagingModule {
  static forRootAsync(options: MessagingModuleAsyncOptions): DynamicModule {
    return {
      module: MessagingModule,
      global: true,
      imports: [DiscoveryModule, ...(options.imports ?? [])],
      providers: [
        {
          provide: MESSAGING_OPTIONS,
          inject: (options.inject ?? []) as never[],
          useFactory: options.useFactory,
        },
        MessagePublisher,
        MongoMessagePublisher,
        MessagingLifecycle,
        MessagingHealth,
      ],
      exports: [MessagePublisher, MongoMessagePublisher, MessagingHealth],
    };
  }
}
