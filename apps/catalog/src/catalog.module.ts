import { type DynamicModule, Module } from '@nestjs/common';
import { getConnectionToken } from '@nestjs/mongoose';
import { AuthModule } from '@shop/auth';
import { Topics } from '@shop/contracts';
import { MessagingHealth, MessagingModule } from '@shop/messaging';
import { HealthModule, ObservabilityModule } from '@shop/observability';
import { type Connection } from 'mongoose';
import { GetProductHandler } from './application/browse-products/get-product.handler';
import { ListCategoriesHandler } from './application/browse-products/list-categories.handler';
import { ListProductsHandler } from './application/browse-products/list-products.handler';
import { CommitStockHandler } from './application/commit-stock/commit-stock.handler';
import { LookUpPricesHandler } from './application/look-up-prices/look-up-prices.handler';
import { AdjustStockHandler } from './application/manage-products/adjust-stock.handler';
import { CreateProductHandler } from './application/manage-products/create-product.handler';
import { DeleteProductHandler } from './application/manage-products/delete-product.handler';
import { UpdateProductHandler } from './application/manage-products/update-product.handler';
import { ReleaseStockHandler } from './application/release-stock/release-stock.handler';
import { ReserveStockHandler } from './application/reserve-stock/reserve-stock.handler';
import { type CatalogConfig } from './config/catalog-config';
import { CATALOG_CONFIG } from './config/catalog-config.token';
import { ProductEventsForwarder } from './infrastructure/messaging/product-events.forwarder';
import { CatalogDatabaseModule } from './infrastructure/persistence/catalog-database.module';
import { ProductMongooseRepository } from './infrastructure/persistence/product.mongoose-repository';
import { StockReservationMongooseRepository } from './infrastructure/persistence/stock-reservation.mongoose-repository';
import { StockMongooseRepository } from './infrastructure/persistence/stock.mongoose-repository';
import { CategoriesController } from './interface/http/categories.controller';
import { ProductsController } from './interface/http/products.controller';
import { StockCommandsListener } from './interface/messaging/stock-commands.listener';

/** The catalog service: all wiring in one place. */
@Module({})
export class CatalogModule {
  static forConfig(config: CatalogConfig): DynamicModule {
    return {
      module: CatalogModule,
      imports: [
        CatalogDatabaseModule.forConfig(config),
        ObservabilityModule.forService('catalog', config),
        HealthModule.forChecks({
          inject: [getConnectionToken(), MessagingHealth],
          useFactory: (connection: Connection, messaging: MessagingHealth) => ({
            database: async () => {
              if (!connection.db) throw new Error('not connected');
              await connection.db.admin().ping();
            },
            kafka: () => messaging.check(),
            consumer: () => messaging.consumer(),
          }),
        }),
        MessagingModule.forRootAsync({
          inject: [getConnectionToken()],
          useFactory: (connection: Connection) => {
            if (!connection.db) throw new Error('the catalog database is not connected');
            return {
              service: 'catalog',
              brokers: config.KAFKA_BROKERS,
              topicPrefix: config.KAFKA_TOPIC_PREFIX,
              mongo: { db: connection.db },
              provisionTopics: [
                { name: Topics.catalogCommands, partitions: 3, replicationFactor: 1 },
                { name: Topics.catalogEvents, partitions: 3, replicationFactor: 1 },
              ],
              consume: {
                topics: [Topics.catalogCommands],
                sessionTimeoutMs: config.KAFKA_SESSION_TIMEOUT_MS,
                // Its three partitions at once, each in order (one order's messages share a partition).
                partitionsConcurrently: 3,
                // Within a partition, other orders' messages side by side (one order's stay in order).
                messagesConcurrently: 8,
              },
            };
          },
        }),
        AuthModule.forRootAsync({
          useFactory: () => ({
            jwksUrl: config.AUTH_JWKS_URL,
            issuer: config.AUTH_ISSUER,
            audience: config.AUTH_AUDIENCE,
          }),
        }),
      ],
      // HTTP, and the message handlers of the messaging transport
      controllers: [ProductsController, CategoriesController, StockCommandsListener],
      providers: [
        // configuration and infrastructure
        { provide: CATALOG_CONFIG, useValue: config },
        ProductMongooseRepository,
        StockMongooseRepository,
        StockReservationMongooseRepository,
        ProductEventsForwarder,
        // use cases: browsing and administration
        ListProductsHandler,
        GetProductHandler,
        ListCategoriesHandler,
        LookUpPricesHandler,
        CreateProductHandler,
        UpdateProductHandler,
        DeleteProductHandler,
        AdjustStockHandler,
        // use cases: the stock participant of the CreateOrder saga
        ReserveStockHandler,
        ReleaseStockHandler,
        CommitStockHandler,
      ],
    };
  }
}
