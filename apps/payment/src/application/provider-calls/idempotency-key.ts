export type ProviderOperation = 'authorize' | 'capture' | 'void' | 'refund' | 'reverse';

/**
 * The provider idempotency key of an operation on an order's payment. An
 * order has one payment and each operation happens to it at most once, so
 * the key is the pair: every retry and every redelivered or re-sent command
 * reuses it, and the provider acts at most once.
 */
export function idempotencyKey(operation: ProviderOperation, orderId: string): string {
  return `${operation}:${orderId}`;
}
