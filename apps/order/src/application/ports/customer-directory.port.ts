/** The user service, as the order service needs it: does this customer exist? */
export interface CustomerDirectory {
  /**
   * Throws CustomerNotFoundError when the account does not exist, and
   * UpstreamUnavailableError when the user service cannot say. The caller's
   * own token is forwarded: services trust no caller for who it is.
   */
  assertCustomerExists(customerId: string, bearerToken: string): Promise<void>;
}

export const CUSTOMER_DIRECTORY = Symbol('order.customer-directory');
