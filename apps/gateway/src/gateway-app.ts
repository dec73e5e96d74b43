import { type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';
import { ProblemDetailsFilter, createValidationPipe, trustProxySetting } from '@shop/http';
import { FastifyRequestObservability } from '@shop/observability';
import { Logger } from 'nestjs-pino';
import { type GatewayConfig } from './config/gateway-config';
import { ROUTES } from './config/route-table';
import { frameworkErrorAnswer } from './edge/framework-errors';
import { gatewayProblemMapper } from './gateway-problem.mapper';
import { GatewayModule } from './gateway.module';
import { OpenApiRegistry } from './openapi/openapi-registry';
import { EdgeProxy } from './proxy/edge-proxy';

const REQUEST_TIMEOUT_MS = 30_000;

const EXPOSED_HEADERS = [
  'x-request-id',
  'location',
  'retry-after',
  'etag',
  'ratelimit-limit',
  'ratelimit-remaining',
  'ratelimit-reset',
  'idempotent-replayed',
];

/**
 * Builds the gateway's HTTP application (main.ts listens; tests do too).
 *
 * On Fastify, not Express like the services: every public request passes
 * the gateway, and Express's request handling alone costs more CPU than the
 * rest of a plain proxy (docs/adr/0007-gateway-on-fastify.md). The edge is a
 * Fastify route and hooks (EdgeProxy), so it runs after the body is parsed;
 * Nest serves the rest (health, docs, metrics, the composed order details).
 */
export async function createGatewayApp(config: GatewayConfig): Promise<INestApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: config.BODY_LIMIT,
    // Fastify's default is none (Node's is 300 s): a client must send its whole request in time.
    requestTimeout: REQUEST_TIMEOUT_MS,
    // Who may set X-Forwarded-For: the address per-address limits see.
    ...(config.TRUST_PROXY ? { trustProxy: trustProxySetting(config.TRUST_PROXY) } : {}),
    frameworkErrors: frameworkErrorAnswer(),
    // No Nest middleware on the gateway (hooks instead): @fastify/middie would run on every
    // request for nothing, and a middleware added by mistake fails at start.
    skipMiddie: true,
  });
  const app = await NestFactory.create<NestFastifyApplication>(
    GatewayModule.forConfig(config),
    adapter,
    {
      abortOnError: false,
      // JSON only (registered below): no form parser.
      bodyParser: false,
      // The bytes as received, forwarded unchanged.
      rawBody: true,
      // Held until pino takes over, so even start-up lines are JSON.
      bufferLogs: true,
    },
  );
  app.useLogger(app.get(Logger));
  const fastify = app.getHttpAdapter().getInstance();
  // JSON only, parsed by Fastify's own (prototype-poisoning-safe) parser; the bytes kept too.
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  app.useBodyParser('application/json', { bodyLimit: config.BODY_LIMIT }, (request, body, done) => {
    // No body at all (a POST that needs none, sent with a JSON type): nothing to parse or forward.
    if (body.length === 0) return done(null, undefined);
    void parseJson(request as never, body.toString('utf8'), done);
  });
  // Fastify's built-in text parser would hand the edge a body it does not forward: a 415 instead.
  fastify.removeContentTypeParser('text/plain');
  // No allowed origin: no CORS hook at all. A preflight from an origin not listed (or with none
  // listed) is answered by the edge without any Access-Control-Allow-* header.
  if (config.CORS_ORIGINS.length > 0) {
    const allowed = new Set(config.CORS_ORIGINS);
    app.enableCors({
      // `false` for another origin: no CORS headers at all (a list would still send Allow-Methods).
      origin: (origin, callback) => callback(null, origin !== undefined && allowed.has(origin)),
      methods: [...new Set(ROUTES.map((route) => route.method))],
      exposedHeaders: EXPOSED_HEADERS,
      // An OPTIONS without the preflight headers is not refused (as Express's cors did).
      strictPreflight: false,
    });
  }
  // First the request id and the request log, then the edge.
  app.get(FastifyRequestObservability).register(fastify);
  app.get(EdgeProxy).register(fastify);
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ProblemDetailsFilter(app.getHttpAdapter(), gatewayProblemMapper));
  app.enableShutdownHooks();
  const registry = app.get(OpenApiRegistry);
  SwaggerModule.setup('docs', app, registry.document, {
    jsonDocumentUrl: 'docs-json',
    // The merged document changes as services' documents are (re)fetched.
    patchDocumentOnRequest: () => registry.document,
  });
  return app;
}
