import { type DynamicModule, Module } from '@nestjs/common';
import { AuthModule } from '@shop/auth';
import { Topics } from '@shop/contracts';
import { MessagingModule } from '@shop/messaging';
import { HealthModule, ObservabilityModule } from '@shop/observability';
import { postgresAndKafkaReadiness } from '@shop/service-kit/typeorm';
import { Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import { AuthorizePaymentHandler } from './application/authorize-payment/authorize-payment.handler';
import { CapturePaymentHandler } from './application/capture-payment/capture-payment.handler';
import { FindPaymentsHandler } from './application/find-payments/find-payments.handler';
import { PAYMENT_PROVIDER, type PaymentProvider } from './application/ports/payment-provider.port';
import { ProviderCallPolicy } from './application/provider-calls/provider-call.policy';
import { RefundPaymentHandler } from './application/refund-payment/refund-payment.handler';
import { VoidPaymentHandler } from './application/void-payment/void-payment.handler';
import { type PaymentConfig } from './config/payment-config';
import { PaymentDatabaseModule } from './infrastructure/persistence/payment-database.module';
import { providerCallMetrics } from './infrastructure/observability/provider-call.metrics';
import { FakePaymentProvider } from './infrastructure/provider/fake-payment.provider';
import { PaymentsController } from './interface/http/payments.controller';
import { PaymentCommandsConsumer } from './interface/messaging/payment-commands.consumer';

function paymentProvider(config: PaymentConfig): PaymentProvider {
  switch (config.PAYMENT_PROVIDER) {
    case 'fake':
      return new FakePaymentProvider(config.PAYMENT_DATABASE_URL, {
        latencyMs: config.PAYMENT_PROVIDER_LATENCY_MS,
        errorRate: config.PAYMENT_PROVIDER_ERROR_RATE,
      });
  }
}

/** The payment service: all wiring in one place. */
@Module({})
export class PaymentModule {
  static forConfig(config: PaymentConfig): DynamicModule {
    return {
      module: PaymentModule,
      imports: [
        PaymentDatabaseModule.forConfig(config),
        ObservabilityModule.forService('payment', config),
        HealthModule.forChecks(postgresAndKafkaReadiness()),
        MessagingModule.forRootAsync({
          inject: [DataSource],
          useFactory: (dataSource: DataSource) => ({
            service: 'payment',
            brokers: config.KAFKA_BROKERS,
            topicPrefix: config.KAFKA_TOPIC_PREFIX,
            dataSource,
            provisionTopics: [
              { name: Topics.paymentCommands, partitions: 3, replicationFactor: 1 },
              { name: Topics.paymentEvents, partitions: 3, replicationFactor: 1 },
            ],
            consume: {
              topics: [Topics.paymentCommands],
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
      controllers: [PaymentsController, PaymentCommandsConsumer],
      providers: [
        // the payment provider, and how it is called
        { provide: PAYMENT_PROVIDER, useFactory: () => paymentProvider(config) },
        {
          provide: ProviderCallPolicy,
          inject: [Registry],
          useFactory: (registry: Registry) =>
            new ProviderCallPolicy(
              {
                timeoutMs: config.PAYMENT_PROVIDER_TIMEOUT_MS,
                maxAttempts: config.PAYMENT_PROVIDER_MAX_ATTEMPTS,
                retryDelayMs: config.PAYMENT_PROVIDER_RETRY_DELAY_MS,
              },
              providerCallMetrics(registry),
            ),
        },
        // use cases
        AuthorizePaymentHandler,
        CapturePaymentHandler,
        VoidPaymentHandler,
        RefundPaymentHandler,
        FindPaymentsHandler,
      ],
    };
  }
}
