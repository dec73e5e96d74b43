import { type DynamicModule, Module, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { type UserConfig } from '../../config/user-config';
import { USER_MIGRATIONS } from './user-migrations';

class DataSourceLifecycle implements OnApplicationShutdown {
  constructor(private readonly dataSource: DataSource) {}

  async onApplicationShutdown(): Promise<void> {
    await this.dataSource.destroy();
  }
}

/** The user database, for this service and for the messaging runtime (its outbox). */
@Module({})
export class UserDatabaseModule {
  static forConfig(config: UserConfig): DynamicModule {
    return {
      module: UserDatabaseModule,
      global: true,
      providers: [
        {
          provide: DataSource,
          useFactory: () =>
            new DataSource({
              type: 'postgres',
              url: config.USER_DATABASE_URL,
              migrations: USER_MIGRATIONS,
            }).initialize(),
        },
        {
          provide: DataSourceLifecycle,
          inject: [DataSource],
          useFactory: (dataSource: DataSource) => new DataSourceLifecycle(dataSource),
        },
      ],
      exports: [DataSource],
    };
  }
}
