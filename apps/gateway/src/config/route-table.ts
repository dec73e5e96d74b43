export type UpstreamName = 'user' | 'catalog' | 'order' | 'payment';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/** One public route: what the gateway forwards, to whom, and under which rules. */
export interface Route {
  method: HttpMethod;
  /**
   * Under `/api/v1`; `:name` matches one path segment, whose format
   * PATH_PARAMETER_FORMATS declares. The upstream gets this template with
   * each parameter filled in, encoded: never the path the client sent.
   */
  path: string;
  /** `gateway`: served by the gateway itself (API composition), after the same edge checks. */
  upstream: UpstreamName | 'gateway';
  /** `public`: anyone; `user`: a valid token; `admin`: a valid token with the admin role. */
  access: 'public' | 'user' | 'admin';
  /** `auth` routes have their own, stricter per-address limit (credential stuffing). */
  limit?: 'auth';
  /** Public reads cached briefly (ETag, 304) and served stale while the upstream is down. */
  cache?: boolean;
}

export const API_PREFIX = '/api/v1';

/**
 * The format of every path parameter of the public API, by name: the edge
 * refuses any other value (400) before it forwards, and the merged OpenAPI
 * document declares it. A route with a parameter not named here fails at start.
 */
export const PATH_PARAMETER_FORMATS: Readonly<Record<string, 'uuid'>> = { id: 'uuid' };

/**
 * The route table: the public API and nothing else. An upstream path not
 * listed here (the catalog's price lookup, the user service's admin list,
 * every /health and /metrics) is not reachable through the gateway.
 */
export const ROUTES: readonly Route[] = [
  { method: 'POST', path: '/auth/register', upstream: 'user', access: 'public', limit: 'auth' },
  { method: 'POST', path: '/auth/login', upstream: 'user', access: 'public', limit: 'auth' },
  { method: 'POST', path: '/auth/refresh', upstream: 'user', access: 'public', limit: 'auth' },
  { method: 'POST', path: '/auth/logout', upstream: 'user', access: 'user', limit: 'auth' },
  { method: 'GET', path: '/users/me', upstream: 'user', access: 'user' },
  { method: 'PATCH', path: '/users/me', upstream: 'user', access: 'user' },
  { method: 'GET', path: '/users/me/addresses', upstream: 'user', access: 'user' },
  { method: 'POST', path: '/users/me/addresses', upstream: 'user', access: 'user' },

  { method: 'GET', path: '/products', upstream: 'catalog', access: 'public', cache: true },
  { method: 'GET', path: '/products/:id', upstream: 'catalog', access: 'public', cache: true },
  { method: 'GET', path: '/categories', upstream: 'catalog', access: 'public', cache: true },
  { method: 'POST', path: '/products', upstream: 'catalog', access: 'admin' },
  { method: 'PATCH', path: '/products/:id', upstream: 'catalog', access: 'admin' },
  { method: 'DELETE', path: '/products/:id', upstream: 'catalog', access: 'admin' },
  { method: 'POST', path: '/products/:id/stock', upstream: 'catalog', access: 'admin' },

  { method: 'POST', path: '/orders', upstream: 'order', access: 'user' },
  { method: 'GET', path: '/orders', upstream: 'order', access: 'user' },
  { method: 'GET', path: '/orders/:id', upstream: 'order', access: 'user' },
  { method: 'POST', path: '/orders/:id/cancel', upstream: 'order', access: 'user' },
  { method: 'GET', path: '/orders/:id/details', upstream: 'gateway', access: 'user' },

  { method: 'GET', path: '/payments', upstream: 'payment', access: 'user' },
  { method: 'GET', path: '/payments/:id', upstream: 'payment', access: 'user' },
];
