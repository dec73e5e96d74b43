import { type ProblemMapper } from '@shop/http';
import { UpstreamUnavailableError } from '@shop/resilience';
import { EdgeError } from './edge/edge.errors';

/** Edge refusals and unavailable services as problems; nothing internal leaks. */
export const gatewayProblemMapper: ProblemMapper = (error) => {
  if (error instanceof EdgeError) {
    return {
      status: error.status,
      code: error.code,
      detail: error.message,
      headers: error.headers,
    };
  }
  if (error instanceof UpstreamUnavailableError) {
    return {
      status: 503,
      code: 'upstream-unavailable',
      detail: `the ${error.upstream} service is unavailable (${error.reason}); try again shortly`,
      headers: { 'retry-after': '5' },
    };
  }
  return undefined;
};
