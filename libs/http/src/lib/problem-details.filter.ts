import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  HttpException,
  HttpStatus,
  type HttpServer,
  Logger,
} from '@nestjs/common';
import { STATUS_CODES } from 'node:http';
import {
  PROBLEM_CONTENT_TYPE,
  PROBLEM_TYPE_BASE,
  type ProblemDetails,
  type ProblemMapper,
} from './problem-details';
import { RequestValidationError } from './request-validation.error';

/** What the filter needs of Nest's HTTP adapter: the same calls on Express and on Fastify. */
export type ProblemWriter = Pick<
  HttpServer,
  'reply' | 'setHeader' | 'isHeadersSent' | 'getRequestUrl' | 'getRequestMethod'
>;

/**
 * Turns every error into an RFC 9457 problem. A service's own errors are
 * mapped by its ProblemMapper (the only place domain errors become statuses);
 * Nest's HttpExceptions keep their status; anything else is a 500 whose
 * details stay in the log, never in the response. Written through Nest's
 * HTTP adapter (`app.getHttpAdapter()`), so it answers alike on Express and
 * on Fastify, including errors raised in Fastify hooks before any route.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Problem');

  constructor(
    private readonly http: ProblemWriter,
    private readonly mapError: ProblemMapper = () => undefined,
  ) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const context = host.switchToHttp();
    const request: unknown = context.getRequest();
    const response: unknown = context.getResponse();
    const url = this.http.getRequestUrl?.(request);
    const mapped = this.mapError(error);
    const problem = this.toProblem(error, url);
    if (problem.status >= 500) {
      this.logger.error(
        `${this.http.getRequestMethod?.(request) ?? ''} ${url ?? ''} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      );
    }
    if (this.http.isHeadersSent(response)) return;
    // e.g. Retry-After on a 429
    for (const [name, value] of Object.entries(mapped?.headers ?? {}))
      this.http.setHeader(response, name, value);
    this.http.setHeader(response, 'content-type', PROBLEM_CONTENT_TYPE);
    this.http.reply(response, JSON.stringify(problem), problem.status);
  }

  private toProblem(error: unknown, instance: string | undefined): ProblemDetails {
    const base = (status: number) => ({
      status,
      title: STATUS_CODES[status] ?? 'Error',
      ...(instance ? { instance } : {}),
    });
    const mapped = this.mapError(error);
    if (mapped)
      return {
        type: `${PROBLEM_TYPE_BASE}${mapped.code}`,
        ...base(mapped.status),
        detail: mapped.detail,
      };
    if (error instanceof RequestValidationError) {
      return {
        type: `${PROBLEM_TYPE_BASE}invalid-request`,
        ...base(HttpStatus.BAD_REQUEST),
        detail: error.message,
        errors: error.fields,
      };
    }
    if (error instanceof HttpException) {
      const status = error.getStatus();
      return { type: 'about:blank', ...base(status), detail: detailOf(error) };
    }
    const clientStatus = clientErrorStatus(error);
    if (clientStatus !== undefined) {
      return {
        type: 'about:blank',
        ...base(clientStatus),
        detail: String((error as { message?: unknown }).message),
      };
    }
    return {
      type: 'about:blank',
      ...base(HttpStatus.INTERNAL_SERVER_ERROR),
      detail: 'An unexpected error occurred.',
    };
  }
}

/**
 * The status of a body parser's own client error, whose message is meant
 * for the client: Express's (http-errors, `expose`) or Fastify's (`FST_ERR_…`
 * codes with a 4xx `statusCode`: too large, not JSON, unsupported type).
 */
function clientErrorStatus(error: unknown): number | undefined {
  const { status, statusCode, expose, code } = (error ?? {}) as {
    status?: unknown;
    statusCode?: unknown;
    expose?: unknown;
    code?: unknown;
  };
  const is4xx = (value: unknown): value is number =>
    typeof value === 'number' && value >= 400 && value < 500;
  if (is4xx(status) && expose === true) return status;
  if (is4xx(statusCode) && typeof code === 'string' && code.startsWith('FST_ERR_'))
    return statusCode;
  return undefined;
}

function detailOf(error: HttpException): string {
  const body = error.getResponse();
  if (typeof body === 'string') return body;
  const message = (body as { message?: unknown }).message;
  if (Array.isArray(message)) return message.join('; ');
  return typeof message === 'string' ? message : error.message;
}
