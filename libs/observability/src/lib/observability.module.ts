import { type DynamicModule, Module } from '@nestjs/common';
import { LoggingModule } from './logging/logging.module';
import { type LoggingConfig } from './logging/logging-config';
import { MetricsModule } from './metrics.module';
import { TracingFlush } from './tracing/tracing-flush';

/**
 * Everything a service needs to be operated: JSON logs with request and trace
 * ids (pino), `/metrics` (prom-client), and the flush of buffered spans at
 * shutdown (the SDK itself starts in the app's instrumentation.ts).
 */
@Module({})
export class ObservabilityModule {
  static forService(service: string, config: Partial<LoggingConfig> = {}): DynamicModule {
    const logging = {
      level: config.LOG_LEVEL ?? process.env['LOG_LEVEL'] ?? 'info',
      format: config.LOG_FORMAT ?? 'json',
    };
    return {
      module: ObservabilityModule,
      global: true,
      imports: [LoggingModule.forService(service, logging), MetricsModule.forService(service)],
      providers: [TracingFlush],
      exports: [LoggingModule, MetricsModule],
    };
  }
}
