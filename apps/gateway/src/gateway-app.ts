import { type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { type NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule } from '@nestjs/swagger';
import { ProblemDetailsFilter, createValidationPipe, trustProxySetting } from '@shop/http';
import { type GatewayConfig } from './config/gateway-config';
import { requestContextOf } from './edge/request-context';
import { securityHeaders } from './edge/security-headers';
import { gatewayProblemMapper } from './gateway-problem.mapper';
import { GatewayModule } from './gateway.module';
import { OpenApiRegistry } from './openapi/openapi-registry';

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

/** Builds the gateway's HTTP application (main.ts listens; tests do too). */
export async function createGatewayApp(config: GatewayConfig): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(GatewayModule.forConfig(config), {
    abortOnError: false,
    bodyParser: false,
    // The bytes as received, forwarded unchanged.
    rawBody: true,
    // Held until pino takes over, so even start-up lines are JSON.
    bufferLogs: true,
  });
  app.useLogger(app.get(Logger));
  if (config.TRUST_PROXY) app.set('trust proxy', trustProxySetting(config.TRUST_PROXY));
  // The gateway decides which answers carry an ETag (the cached product reads).
  app.set('etag', false);
  app.use(
    (
      request: { headers: Record<string, string | string[] | undefined>; context?: unknown },
      response: { setHeader(name: string, value: string): void },
      next: () => void,
    ) => {
      const context = requestContextOf(request.headers);
      request.context = context;
      // The request log (pino-http, later in the chain) takes the same id from the headers.
      request.headers['x-request-id'] = context.requestId;
      response.setHeader('x-request-id', context.requestId);
      next();
    },
  );
  app.use(securityHeaders());
  // No allowed origin: no CORS middleware at all (with `origin: false` it only passes requests on).
  if (config.CORS_ORIGINS.length > 0) {
    app.enableCors({ origin: config.CORS_ORIGINS, exposedHeaders: EXPOSED_HEADERS });
  }
  app.useBodyParser('json', { limit: config.BODY_LIMIT });
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ProblemDetailsFilter(gatewayProblemMapper));
  app.enableShutdownHooks();
  const registry = app.get(OpenApiRegistry);
  SwaggerModule.setup('docs', app, registry.document, {
    jsonDocumentUrl: 'docs-json',
    // The merged document changes as services' documents are (re)fetched.
    patchDocumentOnRequest: () => registry.document,
  });
  return app;
}
