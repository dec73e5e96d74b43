import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import { type AuthenticatedUser } from '@shop/auth';
import { UpstreamUnavailableError } from '@shop/resilience';
import { type GatewayConfig } from '../config/gateway-config';
import { GATEWAY_CONFIG } from '../config/gateway-config.token';
import { API_PREFIX, ROUTES } from '../config/route-table';
import { EdgeAuthenticator } from '../edge/edge-authenticator';
import { methodNotAllowed, routeNotFound } from '../edge/edge.errors';
import { type RequestContext } from '../edge/request-context';
import { RateLimits, type RateLimitState, tighter } from '../edge/rate-limits';
import { OpenApiRegistry } from '../openapi/openapi-registry';
import { RouteMatcher } from '../routing/route-matcher';
import { type CachedResponse, notModified, ResponseCache } from './response-cache';
import { Upstreams } from './upstreams';

/** What the edge reads from, and writes to, Express's request and response. */
export interface EdgeRequest {
  method: string;
  originalUrl: string;
  ip?: string;
  headers: Record<string, string | string[] | undefined>;
  query: Record<string, string | string[]>;
  body?: unknown;
  rawBody?: Buffer;
  route?: { path: string };
  context: RequestContext;
  user?: AuthenticatedUser;
  protocol: string;
}

export interface EdgeResponse {
  statusCode: number;
  status(code: number): EdgeResponse;
  setHeader(name: string, value: string | number | readonly string[]): void;
  end(body?: string): void;
}

// Headers a client may send on to a service; everything else stays at the edge.
const FORWARDED_REQUEST_HEADERS = [
  'authorization',
  'accept-language',
  'idempotency-key',
  'user-agent',
];
// Headers of a service's answer the client gets; hop-by-hop and internal ones stay.
const RETURNED_RESPONSE_HEADERS = [
  'location',
  'retry-after',
  'idempotent-replayed',
  'www-authenticate',
  'cache-control',
];

/**
 * The edge, for every `/api/v1` request, in this order: match the route
 * table (404/405), limit per client address (429), authenticate and limit
 * per user (401/403/429), validate against the merged OpenAPI document (400),
 * then answer from the product cache or forward to the service through its
 * resilient client (timeout, retries for reads, breaker: 503 or the last good
 * cached answer). Every answer carries the rate-limit headers.
 */
@Injectable()
export class EdgeProxyMiddleware implements NestMiddleware<EdgeRequest, EdgeResponse> {
  private readonly matcher = new RouteMatcher(ROUTES);

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly limits: RateLimits,
    private readonly authenticator: EdgeAuthenticator,
    private readonly openApi: OpenApiRegistry,
    private readonly upstreams: Upstreams,
    private readonly cache: ResponseCache,
  ) {}

  async use(request: EdgeRequest, response: EdgeResponse, next: () => void): Promise<void> {
    const queryAt = request.originalUrl.indexOf('?');
    const pathname = queryAt < 0 ? request.originalUrl : request.originalUrl.slice(0, queryAt);
    const apiPath = pathname.slice(API_PREFIX.length) || '/';
    // An empty segment (`//`) would make the forwarded path a URL of another host.
    if (apiPath.includes('//')) throw routeNotFound();
    const match = this.matcher.match(request.method, apiPath);
    if (!match) throw this.matcher.knowsPath(apiPath) ? methodNotAllowed() : routeNotFound();
    const { route } = match;
    request.route = { path: `${API_PREFIX}${route.path}` };

    let limit: RateLimitState;
    try {
      limit = await this.limits.consumeAddress(request.ip ?? 'unknown', route.limit === 'auth');
      // Set now: a 401/403 below carries them too.
      setRateLimitHeaders(response, limit);
      if (route.access !== 'public') {
        const authorization = request.headers['authorization'];
        request.user = await this.authenticator.authenticate(
          typeof authorization === 'string' ? authorization : undefined,
          route.access,
        );
        limit = tighter(limit, await this.limits.consumeUser(request.user.id));
        setRateLimitHeaders(response, limit);
      }
    } catch (error) {
      const state = (error as { state?: RateLimitState }).state;
      if (state) setRateLimitHeaders(response, state);
      throw error;
    }

    this.openApi.validate({
      route,
      method: request.method,
      path: pathname,
      headers: request.headers,
      query: request.query,
      body: request.body,
    });
    if (route.upstream === 'gateway') return next();

    const cacheKey = route.cache && request.method === 'GET' ? request.originalUrl : undefined;
    const cached = cacheKey ? this.cache.fresh(cacheKey) : undefined;
    if (cached) return this.sendCached(request, response, cached, 'HIT');
    try {
      const answer = await this.upstreams.get(route.upstream).request({
        method: route.method,
        path: request.originalUrl.slice(API_PREFIX.length),
        headers: this.forwardedHeaders(request),
        raw: true,
        ...(request.rawBody?.length
          ? {
              rawBody: {
                contentType: String(request.headers['content-type'] ?? 'application/json'),
                text: request.rawBody.toString('utf8'),
              },
            }
          : {}),
      });
      const contentType = String(answer.headers['content-type'] ?? 'application/json');
      const body = answer.body === undefined ? '' : String(answer.body);
      if (cacheKey && answer.status === 200) {
        const entry = this.cache.store(cacheKey, { status: 200, contentType, body });
        return this.sendCached(request, response, entry, 'MISS');
      }
      for (const name of RETURNED_RESPONSE_HEADERS) {
        const value = answer.headers[name];
        if (value === undefined) continue;
        // A service's own path (`/orders/…`) is `/api/v1/orders/…` to the client.
        const publicValue =
          name === 'location' && typeof value === 'string' && value.startsWith('/')
            ? `${API_PREFIX}${value}`
            : value;
        response.setHeader(name, publicValue);
      }
      if (body === '') {
        response.status(answer.status).end();
        return;
      }
      sendBody(response, answer.status, contentType, body);
    } catch (error) {
      if (!(error instanceof UpstreamUnavailableError)) throw error;
      const stale = cacheKey ? this.cache.stale(cacheKey) : undefined;
      if (stale) return this.sendCached(request, response, stale, 'STALE');
      // A service that answered with its own problem (e.g. the order service's 503 naming the
      // catalog) says more than "unavailable": pass it on.
      const answered = error.response;
      const type = String(answered?.headers['content-type'] ?? '');
      if (answered && type.includes('problem+json') && typeof answered.body === 'string') {
        const retryAfter = answered.headers['retry-after'];
        if (typeof retryAfter === 'string') response.setHeader('retry-after', retryAfter);
        sendBody(response, answered.status, type, answered.body);
        return;
      }
      throw error;
    }
  }

  private sendCached(
    request: EdgeRequest,
    response: EdgeResponse,
    entry: CachedResponse,
    outcome: 'HIT' | 'MISS' | 'STALE',
  ): void {
    response.setHeader('etag', entry.etag);
    response.setHeader('x-cache', outcome);
    response.setHeader(
      'cache-control',
      `public, max-age=${Math.floor(this.config.PRODUCT_CACHE_TTL_MS / 1_000)}`,
    );
    if (outcome === 'STALE') response.setHeader('warning', '110 - "Response is Stale"');
    const ifNoneMatch = request.headers['if-none-match'];
    if (notModified(typeof ifNoneMatch === 'string' ? ifNoneMatch : undefined, entry.etag)) {
      response.status(304).end();
      return;
    }
    sendBody(response, entry.status, entry.contentType, entry.body);
  }

  private forwardedHeaders(request: EdgeRequest): Record<string, string> {
    const headers: Record<string, string> = {
      'x-request-id': request.context.requestId,
      'x-forwarded-proto': request.protocol,
    };
    if (request.context.traceparent) headers['traceparent'] = request.context.traceparent;
    for (const name of FORWARDED_REQUEST_HEADERS) {
      const value = request.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    // Only the client address the gateway resolved (under its own TRUST_PROXY): a client's
    // own X-Forwarded-For never reaches a service, so it cannot pose as another address.
    if (request.ip) headers['x-forwarded-for'] = request.ip;
    return headers;
  }
}

/**
 * What Express's `send` does for a string body, minus the work the edge does
 * itself (ETag and 304s are the product cache's): the body as UTF-8, said so
 * in its type, with its length.
 */
function sendBody(response: EdgeResponse, status: number, type: string, body: string): void {
  response.statusCode = status;
  response.setHeader('content-type', withUtf8Charset(type));
  response.setHeader('content-length', Buffer.byteLength(body));
  response.end(body);
}

// A handful of distinct types ever reach the edge: each is rewritten once.
const utf8Types = new Map<string, string>();

/** `type` with `charset=utf-8`, as Express's `send` sets it for a string body. */
export function withUtf8Charset(type: string): string {
  let rewritten = utf8Types.get(type);
  if (rewritten === undefined) {
    const [mediaType = '', ...parameters] = type.split(';').map((part) => part.trim());
    // As Express formats it: parameter names in lower case, sorted.
    const named = parameters
      .filter((parameter) => parameter && !/^charset=/i.test(parameter))
      .map((parameter) => parameter.replace(/^[^=]+/, (name) => name.toLowerCase()))
      .concat('charset=utf-8')
      .sort();
    rewritten = [mediaType.toLowerCase(), ...named].join('; ');
    if (utf8Types.size < 100) utf8Types.set(type, rewritten);
  }
  return rewritten;
}

function setRateLimitHeaders(response: EdgeResponse, state: RateLimitState): void {
  // draft-ietf-httpapi-ratelimit-headers (the separate-fields form).
  response.setHeader('ratelimit-limit', state.limit);
  response.setHeader('ratelimit-remaining', state.remaining);
  response.setHeader('ratelimit-reset', state.resetSeconds);
}
