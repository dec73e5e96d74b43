import { type DynamicModule, Module } from '@nestjs/common';
import { AuthModule } from '@shop/auth';
import { Topics } from '@shop/contracts';
import { MessagePublisher, MessagingModule } from '@shop/messaging';
import { HealthModule, ObservabilityModule } from '@shop/observability';
import { SagaEngine } from '@shop/saga';
import { postgresAndKafkaReadiness } from '@shop/service-kit/typeorm';
import { Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import { CancelOrderHandler } from './application/cancel-order/cancel-order.handler';
import { CreateOrderSagaOrchestrator } from './application/create-order-saga/create-order-saga.orchestrator';
import {
  CREATE_ORDER_SAGA,
  createOrderSaga,
} from './application/create-order-saga/create-order.saga';
import { PlaceOrderHandler } from './application/place-order/place-order.handler';
import { CUSTOMER_DIRECTORY } from './application/ports/customer-directory.port';
import { PRICE_CATALOG } from './application/ports/price-catalog.port';
import { ReadOrdersHandler } from './application/read-orders/read-orders.handler';
import { type OrderConfig } from './config/order-config';
import { ORDER_CONFIG } from './config/order-config.token';
import { OrderDatabaseModule } from './infrastructure/persistence/order-database.module';
import { OrderSagaEffects } from './infrastructure/saga/order-saga.effects';
import { SagaDeadlinePoller } from './infrastructure/saga/saga-deadline.poller';
import { SagaMetrics } from './infrastructure/saga/saga.metrics';
import { CatalogServicePriceCatalog } from './infrastructure/upstream/catalog-service.price-catalog';
import { UpstreamClients } from './infrastructure/upstream/upstream-clients';
import { UserServiceCustomerDirectory } from './infrastructure/upstream/user-service.customer-directory';
import { OrdersController } from './interface/http/orders.controller';
import { SagaRepliesConsumer } from './interface/messaging/saga-replies.consumer';

const topic = (name: string) => ({ name, partitions: 3, replicationFactor: 1 });

/** The order service: all wiring in one place. */
@Module({})
export class OrderModule {
  static forConfig(config: OrderConfig): DynamicModule {
    return {
      module: OrderModule,
      imports: [
        OrderDatabaseModule.forConfig(config),
        ObservabilityModule.forService('order', config),
        HealthModule.forChecks(postgresAndKafkaReadiness()),
        MessagingModule.forRootAsync({
          inject: [DataSource],
          useFactory: (dataSource: DataSource) => ({
            service: 'order',
            brokers: config.KAFKA_BROKERS,
            topicPrefix: config.KAFKA_TOPIC_PREFIX,
            dataSource,
            // The topics the saga writes and reads, so it runs whichever service starts first.
            provisionTopics: [
              topic(Topics.orderEvents),
              topic(Topics.orderSagaReplies),
              topic(Topics.catalogCommands),
              topic(Topics.paymentCommands),
            ],
            consume: {
              topics: [Topics.orderSagaReplies],
              sessionTimeoutMs: config.KAFKA_SESSION_TIMEOUT_MS,
              // Its three partitions at once, each in order (one order's messages share a partition).
              partitionsConcurrently: 3,
              // Within a partition, other orders' messages side by side (one order's stay in order).
              messagesConcurrently: 8,
            },
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
      // HTTP, and the message handlers of the messaging transport
      controllers: [OrdersController, SagaRepliesConsumer],
      providers: [
        // configuration
        { provide: ORDER_CONFIG, useValue: config },
        // upstream services over REST (timeouts, retries for reads, a breaker each)
        { provide: UpstreamClients, useFactory: () => UpstreamClients.fromConfig(config) },
        {
          provide: CUSTOMER_DIRECTORY,
          inject: [UpstreamClients],
          useFactory: (clients: UpstreamClients) =>
            new UserServiceCustomerDirectory(clients.users, {
              confirmedForMs: config.CUSTOMER_CONFIRMED_FOR_MS,
            }),
        },
        {
          provide: PRICE_CATALOG,
          inject: [UpstreamClients],
          useFactory: (clients: UpstreamClients) => new CatalogServicePriceCatalog(clients.catalog),
        },
        // the CreateOrder saga
        {
          provide: SagaMetrics,
          inject: [Registry],
          useFactory: (registry: Registry) => new SagaMetrics(registry, [CREATE_ORDER_SAGA]),
        },
        {
          provide: CreateOrderSagaOrchestrator,
          inject: [MessagePublisher, SagaMetrics],
          useFactory: (publisher: MessagePublisher, metrics: SagaMetrics) =>
            new CreateOrderSagaOrchestrator({
              engine: new SagaEngine(
                createOrderSaga({
                  timeoutMs: config.SAGA_STEP_TIMEOUT_MS,
                  maxResends: config.SAGA_MAX_RESENDS,
                }),
              ),
              source: 'order',
              contextFor: (manager) => new OrderSagaEffects(manager, publisher, metrics),
            }),
        },
        SagaDeadlinePoller,
        // use cases
        PlaceOrderHandler,
        CancelOrderHandler,
        ReadOrdersHandler,
      ],
    };
  }
}
