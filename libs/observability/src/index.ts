export { HttpMetricsMiddleware } from './lib/http-metrics.middleware';
export { MetricsController } from './lib/metrics.controller';
export { MetricsModule } from './lib/metrics.module';
