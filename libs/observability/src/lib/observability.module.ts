import { type DynamicModule, Module } from '@nestjs/common';
import { LoggingModule } from './logging/logging.module';
import { type LoggingConfig } from './logging/logging-config';
import { MetricsModule } from './metrics.module';
import { FastifyRequestObservability } from './fastify-request-observability';
import { TracingFlush } from './tracing/tracing-flush';

export interface ObservabilityOptions {
  /**
   * How requests are logged and measured: `express` (default), Nest
   * middleware; `fastify`, Fastify hooks the app installs with
   * `app.get(FastifyRequestObservability).register(fastify)` (Nest middleware
   * on Fastify would cost every request a pass through @fastify/middie).
   */
  platform?: 'express' | 'fastify';
}

/**
 * Everything a service needs to be operated: JSON logs with request and trace
 * ids (pino), `/metrics` (prom-client), and the flush of buffered spans at
 * shutdown (the SDK itself starts in the app's instrumentation.ts).
 */
@Module({})
export class ObservabilityModule {
  static forService(
    service: string,
    config: Partial<LoggingConfig> = {},
    { platform = 'express' }: ObservabilityOptions = {},
  ): DynamicModule {
    const logging = {
      level: config.LOG_LEVEL ?? process.env['LOG_LEVEL'] ?? 'info',
      format: config.LOG_FORMAT ?? 'json',
    };
    const install = platform === 'fastify' ? 'hooks' : 'middleware';
    return {
      module: ObservabilityModule,
      global: true,
      imports: [
        LoggingModule.forService(service, logging, undefined, install),
        MetricsModule.forService(service, install),
      ],
      providers: [TracingFlush, FastifyRequestObservability],
      exports: [LoggingModule, MetricsModule, FastifyRequestObservability],
    };
  }
}
