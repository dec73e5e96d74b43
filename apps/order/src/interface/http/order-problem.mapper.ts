import { type ProblemMapper } from '@shop/http';
import { UpstreamUnavailableError } from '@shop/resilience';
import { OrderDomainError } from '../../domain/order.errors';

const STATUS_BY_CODE: Record<string, number> = {
  'order-not-found': 404,
  'order-not-cancellable': 409,
  'idempotency-key-reused': 422,
  'unknown-products': 422,
  'mixed-currencies': 422,
  'duplicate-line-item': 422,
  'customer-not-found': 422,
};

/** The order service's errors as HTTP problems; an upstream that cannot answer is a 503. */
export const orderProblemMapper: ProblemMapper = (error) => {
  if (error instanceof UpstreamUnavailableError) {
    return {
      status: 503,
      code: 'upstream-unavailable',
      detail: `the ${error.upstream} service is unavailable (${error.reason}); try again shortly`,
      headers: { 'retry-after': '5' },
    };
  }
  if (!(error instanceof OrderDomainError)) return undefined;
  return { status: STATUS_BY_CODE[error.code] ?? 400, code: error.code, detail: error.message };
};
