import { ResilientHttpClient, UpstreamUnavailableError } from '@shop/resilience';
import { type CustomerDirectory } from '../../application/ports/customer-directory.port';
import { CustomerNotFoundError } from '../../domain/order.errors';

/** `GET /users/:id` on the user service, with the caller's token (a customer may read only itself). */
export class UserServiceCustomerDirectory implements CustomerDirectory {
  constructor(private readonly users: ResilientHttpClient) {}

  async assertCustomerExists(customerId: string, bearerToken: string): Promise<void> {
    const { status } = await this.users.request({
      path: `/users/${encodeURIComponent(customerId)}`,
      headers: { authorization: `Bearer ${bearerToken}` },
    });
    if (status === 200) return;
    if (status === 404) throw new CustomerNotFoundError();
    // 401/403 here mean the two services disagree about the token: not the customer's fault.
    throw new UpstreamUnavailableError(this.users.name, 'server-error', `answered ${status}`);
  }
}
