import { type OnApplicationShutdown } from '@nestjs/common';
import { ResilientHttpClient } from '@shop/resilience';
import { type OrderConfig } from '../../config/order-config';

/** One resilient client per upstream service: each with its own breaker and bulkhead. */
export class UpstreamClients implements OnApplicationShutdown {
  private constructor(
    readonly users: ResilientHttpClient,
    readonly catalog: ResilientHttpClient,
  ) {}

  static fromConfig(config: OrderConfig): UpstreamClients {
    const client = (name: string, baseUrl: string) =>
      new ResilientHttpClient({
        name,
        baseUrl,
        timeoutMs: config.UPSTREAM_TIMEOUT_MS,
        retries: config.UPSTREAM_RETRIES,
        breaker: { resetTimeoutMs: config.UPSTREAM_BREAKER_RESET_MS },
        maxConcurrent: 100,
      });
    return new UpstreamClients(
      client('user', config.USER_SERVICE_URL),
      client('catalog', config.CATALOG_SERVICE_URL),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([this.users.shutdown(), this.catalog.shutdown()]);
  }
}
