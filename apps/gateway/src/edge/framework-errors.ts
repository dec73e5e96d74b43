import { PROBLEM_CONTENT_TYPE } from '@shop/http';
import { requestIdOf } from '@shop/observability';
import { type FastifyError, type FastifyReply, type FastifyRequest } from 'fastify';
import { STATUS_CODES } from 'node:http';
import { securityHeaders } from './security-headers';

/**
 * Fastify's `frameworkErrors`: what it refuses before any hook runs (a URL
 * whose percent-encoding does not decode, a path parameter over its length),
 * answered like every other refusal: a problem, with the request id and the
 * security headers.
 */
export function frameworkErrorAnswer(): (
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
) => void {
  const headers = securityHeaders();
  return (error, request, reply) => {
    const status = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500;
    requestIdOf(request.raw, reply.raw);
    headers.applyTo(reply);
    void reply
      .code(status)
      .header('content-type', PROBLEM_CONTENT_TYPE)
      .send(
        JSON.stringify({
          type: 'about:blank',
          title: STATUS_CODES[status] ?? 'Error',
          status,
          detail: status < 500 ? 'the request URL is not valid' : 'An unexpected error occurred.',
        }),
      );
  };
}
