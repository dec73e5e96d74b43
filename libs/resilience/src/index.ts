export {
  type CircuitBreakerOptions,
  type CircuitState,
  type ResponseHeaders,
  ResilientHttpClient,
  type UpstreamOptions,
  type UpstreamRequest,
  type UpstreamResponse,
} from './lib/resilient-http-client';
export { type UnavailableReason, UpstreamUnavailableError } from './lib/upstream.errors';
