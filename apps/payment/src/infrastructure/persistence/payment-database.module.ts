import { type DynamicModule, Module, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { type PaymentConfig } from '../../config/payment-config';
import { PAYMENT_MIGRATIONS } from './payment-migrations';

class DataSourceLifecycle implements OnApplicationShutdown {
  constructor(private readonly dataSource: DataSource) {}

  async onApplicationShutdown(): Promise<void> {
    await this.dataSource.destroy();
  }
}

/** The payment database, for this service and for the messaging runtime (its outbox). */
@Module({})
export class PaymentDatabaseModule {
  static forConfig(config: PaymentConfig): DynamicModule {
    return {
      module: PaymentDatabaseModule,
      global: true,
      providers: [
        {
          provide: DataSource,
          useFactory: () =>
            new DataSource({
              type: 'postgres',
              url: config.PAYMENT_DATABASE_URL,
              migrations: PAYMENT_MIGRATIONS,
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
