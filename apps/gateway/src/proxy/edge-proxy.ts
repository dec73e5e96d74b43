import { Inject, Injectable } from '@nestjs/common';
import { type AuthenticatedUser } from '@shop/auth';
import { withRequestLogFields } from '@shop/observability';
import { UpstreamUnavailableError } from '@shop/resilience';
import { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { type GatewayConfig } from '../config/gateway-config';
import { GATEWAY_CONFIG } from '../config/gateway-config.token';
import { API_PREFIX, ROUTES, type Route } from '../config/route-table';
import { EdgeAuthenticator } from '../edge/edge-authenticator';
import { methodNotAllowed, routeNotFound } from '../edge/edge.errors';
import {
  type RequestContext,
  requestContextOf,
  traceHeadersOf,
  traceLogFieldsOf,
} from '../edge/request-context';
import { RateLimits, type RateLimitState, tighter } from '../edge/rate-limits';
import { securityHeaders } from '../edge/security-headers';
import { OpenApiRegistry } from '../openapi/openapi-registry';
import { assertPathParameters, publicPathOf, upstreamPathOf } from '../routing/public-path';
import { RouteMatcher } from '../routing/route-matcher';
import {
  type CachedResponse,
  cacheDirectivesOf,
  notModified,
  ResponseCache,
} from './response-cache';
import { Upstreams } from './upstreams';

declare module 'fastify' {
  interface FastifyRequest {
    /** Request id and trace context, set first on every request. */
    requestContext: RequestContext;
    /** The public route the edge matched (`/api/v1` requests). */
    publicRoute: Route | null;
    /** What the service gets: the route's template with the parameters encoded, and the query. */
    upstreamPath: string | null;
    /** Who the bearer token says the caller is (protected routes). */
    user: AuthenticatedUser | null;
  }
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
 * The edge, for every `/api/v1` request, in this order: refuse a path that
 * could be read as another one (400), match the route table (404/405), limit
 * per client address (429), authenticate and limit per user (401/403/429),
 * check the path parameters' formats and validate against the merged OpenAPI
 * document (400),
 * then answer from the product cache or forward to the service through its
 * resilient client (timeout, retries for reads, breaker: 503 or the last good
 * cached answer). Every answer carries the rate-limit headers.
 *
 * Fastify hooks and a route, not Nest middleware: on Fastify, middleware runs
 * before the body is parsed (nestjs/nest#10466), and the checks need the body.
 * The checks run as a `preHandler` of every `/api/v1` route, so the composed
 * order details (a Nest controller) pass them too; everything else under
 * `/api/v1` is this class's catch-all route.
 */
@Injectable()
export class EdgeProxy {
  private readonly matcher = new RouteMatcher(ROUTES);

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly limits: RateLimits,
    private readonly authenticator: EdgeAuthenticator,
    private readonly openApi: OpenApiRegistry,
    private readonly upstreams: Upstreams,
    private readonly cache: ResponseCache,
  ) {}

  /**
   * Adds the edge to the gateway's Fastify instance (before Nest registers its
   * routes; after FastifyRequestObservability, which sets the request id).
   */
  register(fastify: FastifyInstance): void {
    fastify.decorateRequest('requestContext', null as unknown as RequestContext);
    fastify.decorateRequest('publicRoute', null);
    fastify.decorateRequest('upstreamPath', null);
    fastify.decorateRequest('user', null);
    const headers = securityHeaders();
    fastify.addHook('onRequest', (request, reply, done) => {
      const context = requestContextOf(request.headers);
      request.requestContext = context;
      headers.applyTo(reply);
      // A CORS preflight the CORS hook did not answer (an origin not in CORS_ORIGINS, or none
      // configured): an answer without any Access-Control-Allow-* header, which the browser
      // reads as a refusal, rather than the route's 405.
      if (isPreflight(request)) {
        void reply.code(204).header('vary', 'Origin').send();
        return;
      }
      // Carried by the gateway itself (no SDK running): its lines name the trace, as the
      // SDK's log mixin would, so one trace's lines are found at every hop.
      const traceFields = traceLogFieldsOf(context);
      if (traceFields) withRequestLogFields(request, traceFields, done);
      else done();
    });
    fastify.addHook('preHandler', async (request, reply) => {
      if (request.routeOptions.url?.startsWith(`${API_PREFIX}/`)) await this.admit(request, reply);
    });
    fastify.all(`${API_PREFIX}/*`, (request, reply) => this.forward(request, reply));
  }

  /** The edge's checks; throws the refusal (a problem), else leaves the route on the request. */
  async admit(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    // Refused below for want of a public route: counted as `unmatched`, not as `/api/v1/*`.
    request.metricsRoute = null;
    // Matched on a path that cannot be read as another one (no dot segment, backslash, `%2f`…):
    // a service gets the route's own template, never the client's path.
    const { path, query } = publicPathOf(request.url.slice(API_PREFIX.length));
    const match = this.matcher.match(request.method, path);
    if (!match) {
      const allowed = this.matcher.methodsFor(path);
      throw allowed.length > 0 ? methodNotAllowed(allowed) : routeNotFound();
    }
    const { route } = match;
    request.publicRoute = route;
    request.metricsRoute = `${API_PREFIX}${route.path}`;

    let limit: RateLimitState;
    try {
      limit = await this.limits.consumeAddress(request.ip, route.limit === 'auth');
      // Set now: a 401/403 below carries them too.
      setRateLimitHeaders(reply, limit);
      if (route.access !== 'public') {
        const authorization = request.headers['authorization'];
        request.user = await this.authenticator.authenticate(
          typeof authorization === 'string' ? authorization : undefined,
          route.access,
        );
        limit = tighter(limit, await this.limits.consumeUser(request.user.id));
        setRateLimitHeaders(reply, limit);
      }
    } catch (error) {
      const state = (error as { state?: RateLimitState }).state;
      if (state) setRateLimitHeaders(reply, state);
      throw error;
    }

    // The formats the edge enforces whether or not the service's document is known yet.
    assertPathParameters(match.params);
    request.upstreamPath = `${upstreamPathOf(route, match.params)}${query}`;
    this.openApi.validate({
      route,
      params: match.params,
      headers: request.headers,
      query: request.query as Record<string, string | string[]>,
      body: request.body,
    });
  }

  /** The catch-all route: a public route served by a service (admitted by the preHandler). */
  async forward(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const { publicRoute: route, upstreamPath: path } = request;
    // A route the gateway serves itself is a Nest controller's; reaching here, it has none.
    if (!route || !path || route.upstream === 'gateway') throw routeNotFound();
    const cacheKey = route.cache && request.method === 'GET' ? path : undefined;
    // The client's own Cache-Control: `no-cache` (or `max-age=0`) asks the catalog again,
    // `no-store` keeps its answer out of the cache (RFC 9111, 5.2.1).
    const directives = cacheDirectivesOf(request.headers);
    const cached = cacheKey && !directives.revalidate ? this.cache.fresh(cacheKey) : undefined;
    if (cached) return this.sendCached(request, reply, cached, 'HIT');
    const rawBody = (request as { rawBody?: Buffer }).rawBody;
    try {
      const answer = await this.upstreams.get(route.upstream).request({
        method: route.method,
        path,
        headers: this.forwardedHeaders(request),
        raw: true,
        ...(rawBody?.length
          ? {
              rawBody: {
                contentType: String(request.headers['content-type'] ?? 'application/json'),
                text: rawBody.toString('utf8'),
              },
            }
          : {}),
      });
      const contentType = String(answer.headers['content-type'] ?? 'application/json');
      const body = answer.body === undefined ? '' : String(answer.body);
      if (cacheKey && answer.status === 200) {
        const answered = { status: 200, contentType, body };
        const entry = directives.noStore
          ? this.cache.unstored(answered)
          : this.cache.store(cacheKey, answered);
        return this.sendCached(request, reply, entry, 'MISS');
      }
      for (const name of RETURNED_RESPONSE_HEADERS) {
        const value = answer.headers[name];
        if (value === undefined) continue;
        // A service's own path (`/orders/…`) is `/api/v1/orders/…` to the client.
        const publicValue =
          name === 'location' && typeof value === 'string' && value.startsWith('/')
            ? `${API_PREFIX}${value}`
            : value;
        reply.header(name, publicValue);
      }
      if (body === '') {
        await reply.code(answer.status).send();
        return;
      }
      await sendBody(reply, answer.status, contentType, body);
    } catch (error) {
      if (!(error instanceof UpstreamUnavailableError)) throw error;
      const stale = cacheKey ? this.cache.stale(cacheKey) : undefined;
      if (stale) return this.sendCached(request, reply, stale, 'STALE');
      // A service that answered with its own problem (e.g. the order service's 503 naming the
      // catalog) says more than "unavailable": pass it on.
      const answered = error.response;
      const type = String(answered?.headers['content-type'] ?? '');
      if (answered && type.includes('problem+json') && typeof answered.body === 'string') {
        const retryAfter = answered.headers['retry-after'];
        if (typeof retryAfter === 'string') reply.header('retry-after', retryAfter);
        await sendBody(reply, answered.status, type, answered.body);
        return;
      }
      throw error;
    }
  }

  private async sendCached(
    request: FastifyRequest,
    reply: FastifyReply,
    entry: CachedResponse,
    outcome: 'HIT' | 'MISS' | 'STALE',
  ): Promise<void> {
    reply.header('etag', entry.etag);
    reply.header('x-cache', outcome);
    reply.header(
      'cache-control',
      `public, max-age=${Math.floor(this.config.PRODUCT_CACHE_TTL_MS / 1_000)}`,
    );
    if (outcome === 'STALE') reply.header('warning', '110 - "Response is Stale"');
    const ifNoneMatch = request.headers['if-none-match'];
    if (notModified(typeof ifNoneMatch === 'string' ? ifNoneMatch : undefined, entry.etag)) {
      await reply.code(304).send();
      return;
    }
    await sendBody(reply, entry.status, entry.contentType, entry.body);
  }

  private forwardedHeaders(request: FastifyRequest): Record<string, string> {
    const headers: Record<string, string> = {
      ...traceHeadersOf(request.requestContext),
      'x-request-id': request.requestContext.requestId,
      'x-forwarded-proto': request.protocol,
      // Only the client address the gateway resolved (under its own TRUST_PROXY): a client's
      // own X-Forwarded-For never reaches a service, so it cannot pose as another address.
      'x-forwarded-for': request.ip,
    };
    for (const name of FORWARDED_REQUEST_HEADERS) {
      const value = request.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    return headers;
  }
}

/** A string body as UTF-8, said so in its type (as the services' own answers are). */
async function sendBody(
  reply: FastifyReply,
  status: number,
  type: string,
  body: string,
): Promise<void> {
  await reply.code(status).header('content-type', withUtf8Charset(type)).send(body);
}

// A handful of distinct types ever reach the edge: each is rewritten once.
const utf8Types = new Map<string, string>();

/** `type` with `charset=utf-8`, formatted as Express does for a string body. */
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

function isPreflight(request: FastifyRequest): boolean {
  return (
    request.method === 'OPTIONS' &&
    request.headers.origin !== undefined &&
    request.headers['access-control-request-method'] !== undefined
  );
}

function setRateLimitHeaders(reply: FastifyReply, state: RateLimitState): void {
  // draft-ietf-httpapi-ratelimit-headers (the separate-fields form).
  reply.header('ratelimit-limit', state.limit);
  reply.header('ratelimit-remaining', state.remaining);
  reply.header('ratelimit-reset', state.resetSeconds);
}
