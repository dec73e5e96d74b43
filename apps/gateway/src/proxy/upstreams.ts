import { ResilientHttpClient } from '@shop/resilience';
import { type GatewayConfig } from '../config/gateway-config';
import { type UpstreamName } from '../config/route-table';

export const UPSTREAM_NAMES: readonly UpstreamName[] = ['user', 'catalog', 'order', 'payment'];

/** One resilient client per service behind the gateway: its own timeout, retries, breaker and bulkhead. */
export class Upstreams {
  private constructor(private readonly clients: Map<UpstreamName, ResilientHttpClient>) {}

  static fromConfig(config: GatewayConfig): Upstreams {
    const urls: Record<UpstreamName, string> = {
      user: config.USER_SERVICE_URL,
      catalog: config.CATALOG_SERVICE_URL,
      order: config.ORDER_SERVICE_URL,
      payment: config.PAYMENT_SERVICE_URL,
    };
    return new Upstreams(
      new Map(
        UPSTREAM_NAMES.map((name) => [
          name,
          new ResilientHttpClient({
            name,
            baseUrl: urls[name],
            timeoutMs: config.UPSTREAM_TIMEOUT_MS,
            retries: config.UPSTREAM_RETRIES,
            breaker: { resetTimeoutMs: config.UPSTREAM_BREAKER_RESET_MS },
            maxConcurrent: config.UPSTREAM_MAX_CONCURRENT,
          }),
        ]),
      ),
    );
  }

  get(name: UpstreamName): ResilientHttpClient {
    return this.clients.get(name) as ResilientHttpClient;
  }

  async shutdown(): Promise<void> {
    await Promise.all([...this.clients.values()].map((client) => client.shutdown()));
  }
}
