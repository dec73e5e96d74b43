import {
  type DynamicModule,
  Inject,
  type MiddlewareConsumer,
  Module,
  type NestModule,
} from '@nestjs/common';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import { HttpMetricsMiddleware } from './http-metrics.middleware';
import { MetricsController } from './metrics.controller';

const HTTP_METRICS_AS = Symbol('HTTP_METRICS_AS');

/**
 * `/metrics` for one service: process metrics (CPU, memory, event loop, GC)
 * and HTTP RED metrics, in a registry of its own labelled with the service
 * name. Other modules register their metrics (outbox lag, saga outcomes) on
 * the exported Registry.
 */
@Module({})
export class MetricsModule implements NestModule {
  // An explicit token: works even where decorator metadata is not emitted.
  constructor(
    @Inject(HttpMetricsMiddleware) private readonly middleware: HttpMetricsMiddleware,
    @Inject(HTTP_METRICS_AS) private readonly installAs: 'middleware' | 'hooks',
  ) {}

  /**
   * `requestMetrics: 'hooks'`: no Nest middleware; the app records through
   * `HttpMetricsMiddleware.record` from its own hooks (FastifyRequestObservability).
   */
  static forService(
    service: string,
    requestMetrics: 'middleware' | 'hooks' = 'middleware',
  ): DynamicModule {
    const registry = new Registry();
    registry.setDefaultLabels({ service });
    collectDefaultMetrics({ register: registry });
    const requests = new Counter({
      name: 'http_requests_total',
      help: 'HTTP requests by method, route and status',
      labelNames: ['method', 'route', 'status'] as const,
      registers: [registry],
    });
    const durations = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request duration by method, route and status',
      labelNames: ['method', 'route', 'status'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    });
    return {
      module: MetricsModule,
      global: true,
      controllers: [MetricsController],
      providers: [
        { provide: Registry, useValue: registry },
        { provide: HTTP_METRICS_AS, useValue: requestMetrics },
        {
          provide: HttpMetricsMiddleware,
          useValue: new HttpMetricsMiddleware(requests, durations),
        },
      ],
      exports: [Registry, HttpMetricsMiddleware],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    if (this.installAs === 'hooks') return;
    // A function, not the class: the middleware holds metrics objects Nest cannot inject.
    consumer
      .apply((request: never, response: never, next: () => void) =>
        this.middleware.use(request, response, next),
      )
      .forRoutes('*path');
  }
}
