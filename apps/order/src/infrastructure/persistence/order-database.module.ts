import { type DynamicModule, Module, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { type OrderConfig } from '../../config/order-config';
import { ORDER_MIGRATIONS } from './order-migrations';

class DataSourceLifecycle implements OnApplicationShutdown {
  constructor(private readonly dataSource: DataSource) {}

  async onApplicationShutdown(): Promise<void> {
    await this.dataSource.destroy();
  }
}

/** The order database, for this service and for the messaging runtime (its outbox). */
@Module({})
export class OrderDatabaseModule {
  static forConfig(config: OrderConfig): DynamicModule {
    return {
      module: OrderDatabaseModule,
      global: true,
      providers: [
        {
          provide: DataSource,
          useFactory: () =>
            new DataSource({
              type: 'postgres',
              url: config.ORDER_DATABASE_URL,
              migrations: ORDER_MIGRATIONS,
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
