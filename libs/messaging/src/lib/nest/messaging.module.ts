import { type DynamicModule, Module, type ModuleMetadata } from '@nestjs/common';
import { MessagePublisher } from './message-publisher';
import { MessagingHealth } from './messaging-health';
import { MESSAGING_OPTIONS, type MessagingModuleOptions } from './messaging-module-options';
import { MongoMessagePublisher } from './mongo-message-publisher';
import { MessagingTransport } from './messaging.transport';

export interface MessagingModuleAsyncOptions extends Pick<ModuleMetadata, 'imports'> {
  inject?: unknown[];
  useFactory: (...args: never[]) => MessagingModuleOptions | Promise<MessagingModuleOptions>;
}

/**
 * One service's messaging: the transport (outbox relay, inbox consumer; the
 * app connects it with `connectMessaging(app)`), and the publisher for
 * messages sent outside handlers: MessagePublisher on PostgreSQL
 * (`dataSource`), MongoMessagePublisher on MongoDB (`mongo`).
 */
@Module({})
export class MessagingModule {
  static forRootAsync(options: MessagingModuleAsyncOptions): DynamicModule {
    return {
      module: MessagingModule,
      global: true,
      imports: options.imports ?? [],
      providers: [
        {
          provide: MESSAGING_OPTIONS,
          inject: (options.inject ?? []) as never[],
          useFactory: options.useFactory,
        },
        MessagePublisher,
        MongoMessagePublisher,
        MessagingTransport,
        MessagingHealth,
      ],
      exports: [MessagePublisher, MongoMessagePublisher, MessagingHealth, MessagingTransport],
    };
  }
}
