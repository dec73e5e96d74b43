export { HttpMetricsMiddleware, UNMATCHED_ROUTE } from './lib/http-metrics.middleware';
export {
  FastifyRequestObservability,
  withRequestLogFields,
} from './lib/fastify-request-observability';
export { MetricsController } from './lib/metrics.controller';
export { MetricsModule } from './lib/metrics.module';
export { type ObservabilityOptions } from './lib/observability.module';
export { ObservabilityModule } from './lib/observability.module';
export {
  type HealthCheck,
  type HealthChecks,
  type HealthState,
  HealthController,
  HealthModule,
  type HealthModuleOptions,
  type Readiness,
} from './lib/health/health.module';
export { currentLogContext, type LogFields, withLogContext } from './lib/logging/log-context';
export { LOG_LEVELS, type LoggingConfig, loggingConfigShape } from './lib/logging/logging-config';
export {
  httpLoggerOptions,
  LoggingModule,
  QUIET_PATHS,
  requestIdOf,
  SERVICE_LOGGER,
} from './lib/logging/logging.module';
export {
  createServiceLogger,
  REDACTED_PATHS,
  serviceLoggerOptions,
  type ServiceLoggerOptions,
} from './lib/logging/service-logger';
export {
  activeTraceFields,
  activeTraceparent,
  contextFromTraceparent,
  formatTraceparent,
} from './lib/tracing/trace-context';
export { TracingFlush } from './lib/tracing/tracing-flush';
