import { Inject, Injectable } from '@nestjs/common';
import { type FastifyInstance, type FastifyRequest } from 'fastify';
import { type Logger } from 'pino';
import { HttpMetricsMiddleware, UNMATCHED_ROUTE } from './http-metrics.middleware';
import { type LogFields, withLogContext } from './logging/log-context';

import {
  QUIET_PATHS,
  requestIdOf,
  requestLogLevel,
  requestLogMessage,
  SERVICE_LOGGER,
} from './logging/logging.module';

declare module 'fastify' {
  interface FastifyRequest {
    /** The route label of the HTTP metrics; an app may narrow it (the gateway: its public route). */
    metricsRoute: string | null;
    /** Fields an app added to this request's lines (`withRequestLogFields`). */
    logFields: LogFields | null;
  }
}

/**
 * For an app's own `onRequest` hook, installed after FastifyRequestObservability:
 * adds `fields` to the request's line and to every line written while it is
 * handled (the gateway: the trace ids of the context it carries itself), then
 * calls `done` inside that log context.
 */
export function withRequestLogFields(
  request: FastifyRequest,
  fields: LogFields,
  done: () => void,
): void {
  request.logFields = { ...request.logFields, ...fields };
  withLogContext(fields, done);
}

/**
 * The request log line and the RED metrics of a service on Fastify, from
 * Fastify's own hooks: the same request id (the caller's well-formed
 * `x-request-id` or a new one, echoed), the same line per request as
 * pino-http writes for the Express services, and every line written while
 * the request is handled carrying `requestId` (the log context). Install it
 * first, so the request id is there for every later hook.
 */
@Injectable()
export class FastifyRequestObservability {
  /**
   * The request lines carry only the fields written below (no headers, no
   * body): nothing to redact, so none of the redaction's cost on every line.
   */
  private readonly requestLog: Logger;

  constructor(
    @Inject(SERVICE_LOGGER) logger: Logger,
    @Inject(HttpMetricsMiddleware) private readonly metrics: HttpMetricsMiddleware,
  ) {
    this.requestLog = logger.child({}, { redact: [] });
  }

  register(fastify: FastifyInstance): void {
    fastify.decorateRequest('metricsRoute', null);
    fastify.decorateRequest('logFields', null);
    fastify.addHook('onRequest', (request, reply, done) => {
      const requestId = requestIdOf(request.raw, reply.raw);
      request.metricsRoute = request.routeOptions.url ?? null;
      // The later hooks, the handler and the promises they start run inside the log context
      // (Fastify carries the async context across reading the body).
      withLogContext({ requestId }, done);
    });
    fastify.addHook('onResponse', (request, reply, done) => {
      const status = reply.statusCode;
      const durationMs = reply.elapsedTime;
      this.metrics.record(
        request.method,
        request.metricsRoute ?? UNMATCHED_ROUTE,
        status,
        durationMs,
      );
      const { url } = request;
      if (!QUIET_PATHS.test(url)) {
        this.requestLog[requestLogLevel(status)](
          {
            ...request.logFields,
            requestId: request.headers['x-request-id'],
            req: { method: request.method, url, remoteAddress: request.socket.remoteAddress },
            res: { statusCode: status },
            durationMs: Math.round(durationMs),
          },
          requestLogMessage(request.method, url, status),
        );
      }
      done();
    });
    // The client went away before the answer: no `onResponse`, but the request still gets its line.
    fastify.addHook('onRequestAbort', (request, done) => {
      this.requestLog.warn(
        {
          ...request.logFields,
          requestId: request.headers['x-request-id'],
          req: {
            method: request.method,
            url: request.url,
            remoteAddress: request.socket.remoteAddress,
          },
          aborted: true,
        },
        `${request.method} ${request.url} aborted by the client`,
      );
      done();
    });
  }
}
