import { ResilientHttpClient, UpstreamUnavailableError } from '@shop/resilience';
import { LRUCache } from 'lru-cache';
import { type CustomerDirectory } from '../../application/ports/customer-directory.port';
import { CustomerNotFoundError } from '../../domain/order.errors';

export interface CustomerDirectoryOptions {
  /**
   * How long a customer the user service confirmed stays confirmed here (0:
   * ask every time). A customer places orders in bursts; the price of the
   * cache is that an account deleted meanwhile can still order for this long.
   * An unknown customer is never cached.
   */
  confirmedForMs: number;
  /** Customers remembered at most (least recently used dropped first). */
  maxRemembered?: number;
}

/** `GET /users/:id` on the user service, with the caller's token (a customer may read only itself). */
export class UserServiceCustomerDirectory implements CustomerDirectory {
  private readonly confirmed: LRUCache<string, true> | undefined;

  constructor(
    private readonly users: ResilientHttpClient,
    options: CustomerDirectoryOptions = { confirmedForMs: 0 },
  ) {
    this.confirmed =
      options.confirmedForMs > 0
        ? new LRUCache({ max: options.maxRemembered ?? 10_000, ttl: options.confirmedForMs })
        : undefined;
  }

  async assertCustomerExists(customerId: string, bearerToken: string): Promise<void> {
    if (this.confirmed?.has(customerId)) return;
    const { status } = await this.users.request({
      path: `/users/${encodeURIComponent(customerId)}`,
      headers: { authorization: `Bearer ${bearerToken}` },
    });
    if (status === 200) {
      this.confirmed?.set(customerId, true);
      return;
    }
    if (status === 404) throw new CustomerNotFoundError();
    // 401/403 here mean the two services disagree about the token: not the customer's fault.
    throw new UpstreamUnavailableError(this.users.name, 'server-error', `answered ${status}`);
  }
}
