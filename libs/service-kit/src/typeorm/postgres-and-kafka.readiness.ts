import { MessagingHealth } from '@shop/messaging';
import { type HealthModuleOptions } from '@shop/observability';
import { DataSource } from 'typeorm';

/**
 * The readiness checks of a service on PostgreSQL (TypeORM) and Kafka, for
 * `HealthModule.forChecks(postgresAndKafkaReadiness())`: `/health/ready`
 * answers 200 while both answer, 503 naming the one that does not; the
 * consumer's state (`joining`, `joined`, or `none`) is reported beside them.
 */
export function postgresAndKafkaReadiness(): HealthModuleOptions {
  return {
    inject: [DataSource, MessagingHealth],
    useFactory: (dataSource: DataSource, messaging: MessagingHealth) => ({
      database: () => dataSource.query('SELECT 1'),
      kafka: () => messaging.check(),
      consumer: () => messaging.consumer(),
    }),
  };
}
