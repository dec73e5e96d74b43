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

/**
 * `/metrics` for one service: process metrics (CPU, memory, event loop, GC)
 * and HTTP RED metrics, in a registry of its own labelled with the service
 * name. Other modules register their metrics (outbox lag, saga outcomes) on
 * the exported Registry.
 */
@Module({})
export class MetricsModule implements NestModule {
  // An explicit token: works even where decorator metadata is not emitted.
  constructor(@Inject(HttpMetricsMiddleware) private readonly middleware: HttpMetricsMiddleware) {}

  static forService(service: string): DynamicModule {
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
        {
          provide: HttpMetricsMiddleware,
          useValue: new HttpMetricsMiddleware(requests, durations),
        },
      ],
      exports: [Registry],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    // A function, not the class: the middleware holds metrics objects Nest cannot inject.
    consumer
      .apply((request: never, response: never, next: () => void) =>
        this.middleware.use(request, response, next),
      )
      .forRoutes('*path');
  }
}
