import {
  type DynamicModule,
  Logger,
  Module,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { JwtVerifier } from '@shop/auth';
import { ObservabilityModule } from '@shop/observability';
import { OrderDetailsController } from './composition/order-details.controller';
import { type GatewayConfig } from './config/gateway-config';
import { GATEWAY_CONFIG } from './config/gateway-config.token';
import { EdgeAuthenticator } from './edge/edge-authenticator';
import { RateLimits } from './edge/rate-limits';
import { HealthController } from './health/health.controller';
import { OpenApiRegistry } from './openapi/openapi-registry';
import { EdgeProxy } from './proxy/edge-proxy';
import { ResponseCache } from './proxy/response-cache';
import { Upstreams } from './proxy/upstreams';

// Through Nest's logger, so the lines are JSON like every other (pino, once the app runs).
const logger = new Logger('Gateway');
const report = (message: string): void => logger.warn(message);

/** The gateway: all wiring in one place. */
@Module({})
export class GatewayModule implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    private readonly openApi: OpenApiRegistry,
    private readonly upstreams: Upstreams,
    private readonly limits: RateLimits,
  ) {}

  static forConfig(config: GatewayConfig): DynamicModule {
    return {
      module: GatewayModule,
      // Logs, /metrics and the span flush; the request log and metrics from Fastify's hooks.
      imports: [ObservabilityModule.forService('gateway', config, { platform: 'fastify' })],
      controllers: [HealthController, OrderDetailsController],
      providers: [
        { provide: GATEWAY_CONFIG, useValue: config },
        // the services behind the gateway
        { provide: Upstreams, useFactory: () => Upstreams.fromConfig(config) },
        // edge policies
        { provide: RateLimits, useFactory: () => RateLimits.fromConfig(config, report) },
        {
          provide: EdgeAuthenticator,
          useFactory: () =>
            new EdgeAuthenticator(
              new JwtVerifier({
                jwksUrl: config.AUTH_JWKS_URL,
                issuer: config.AUTH_ISSUER,
                audience: config.AUTH_AUDIENCE,
              }),
            ),
        },
        {
          provide: ResponseCache,
          useFactory: () =>
            new ResponseCache(config.PRODUCT_CACHE_TTL_MS, config.PRODUCT_CACHE_STALE_MS),
        },
        {
          provide: OpenApiRegistry,
          inject: [Upstreams],
          useFactory: (upstreams: Upstreams) =>
            new OpenApiRegistry(upstreams, config.OPENAPI_REFRESH_MS, report),
        },
        EdgeProxy,
      ],
    };
  }

  async onApplicationBootstrap(): Promise<void> {
    this.openApi.start();
    await this.limits.connected();
  }

  async onApplicationShutdown(): Promise<void> {
    this.openApi.stop();
    await Promise.all([this.upstreams.shutdown(), this.limits.close()]);
  }
}
