import { randomUUID } from 'node:crypto';
import { type IncomingMessage, type ServerResponse } from 'node:http';
import { type DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { type DestinationStream } from 'pino';
import { type Options as HttpLoggerOptions } from 'pino-http';
import { createServiceLogger, type ServiceLoggerOptions } from './service-logger';

const REQUEST_ID = /^[\w.:-]{1,128}$/;
/** Probes and scrapes every few seconds would drown the rest: no request log line for them. */
export const QUIET_PATHS = /^\/(health|metrics)(\/|\?|$)/;

/**
 * The request id: the caller's `x-request-id` when well-formed (the gateway
 * sets one on every request it forwards), else a new UUID. Written back into
 * the request's headers, so code that reads them later sees the same id, and
 * into the response.
 */
export function requestIdOf(request: IncomingMessage, response: ServerResponse): string {
  const given = request.headers['x-request-id'];
  const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
  request.headers['x-request-id'] = id;
  if (!response.headersSent) response.setHeader('x-request-id', id);
  return id;
}

/** A request's log line: what it says (the same from pino-http and from Fastify hooks). */
export function requestLogMessage(
  method: string | undefined,
  url: string | undefined,
  status: number,
): string {
  return `${method} ${url} ${status}`;
}

/** A client's mistake (4xx) is not the service's problem: info; a 5xx is an error. */
export function requestLogLevel(status: number, failed = false): 'info' | 'error' {
  return failed || status >= 500 ? 'error' : 'info';
}

/** pino-http for one service: a line per request, every line in it carrying `requestId`. */
export function httpLoggerOptions(
  service: string,
  options: ServiceLoggerOptions = {},
  destination?: DestinationStream,
): HttpLoggerOptions {
  return {
    logger: createServiceLogger(service, options, destination),
    genReqId: requestIdOf,
    // Lines written while handling a request carry its id, not the whole request.
    quietReqLogger: true,
    customAttributeKeys: { reqId: 'requestId', responseTime: 'durationMs' },
    autoLogging: { ignore: (request) => QUIET_PATHS.test(request.url ?? '') },
    customLogLevel: (_request, response, error) =>
      requestLogLevel(response.statusCode, Boolean(error)),
    customSuccessMessage: (request, response) =>
      requestLogMessage(request.method, request.url, response.statusCode),
    customErrorMessage: (request, response) =>
      requestLogMessage(request.method, request.url, response.statusCode),
    // No headers, no bodies: nothing a client sent as a credential reaches the log.
    serializers: {
      req: (request: { method?: string; url?: string; remoteAddress?: string }) => ({
        method: request.method,
        url: request.url,
        remoteAddress: request.remoteAddress,
      }),
      res: (response: { statusCode?: number }) => ({ statusCode: response.statusCode }),
    },
  };
}

/**
 * Nest's logger for one service, JSON through pino (nestjs-pino): pass to
 * `NestFactory.create(..., { bufferLogs: true })` then
 * `app.useLogger(app.get(Logger))`.
 */
@Module({})
export class LoggingModule {
  /**
   * `requestLog: 'middleware'` (default): pino-http as Nest middleware, for
   * Express. `'hooks'`: no middleware; the app installs
   * FastifyRequestObservability, which writes the same lines from Fastify's
   * hooks (Nest middleware on Fastify runs through @fastify/middie, a cost on
   * every request). The service's root logger is exported as SERVICE_LOGGER.
   */
  static forService(
    service: string,
    options: ServiceLoggerOptions = {},
    destination?: DestinationStream,
    requestLog: 'middleware' | 'hooks' = 'middleware',
  ): DynamicModule {
    const httpLogger = httpLoggerOptions(service, options, destination);
    return {
      module: LoggingModule,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: httpLogger,
          ...(requestLog === 'hooks' ? { forRoutes: [] } : {}),
        }),
      ],
      providers: [{ provide: SERVICE_LOGGER, useValue: httpLogger.logger }],
      exports: [LoggerModule, SERVICE_LOGGER],
    };
  }
}

/** The service's root pino logger (the one every line goes through). */
export const SERVICE_LOGGER = Symbol('SERVICE_LOGGER');
