import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  HttpException,
  HttpStatus,
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

interface HttpRequest {
  url?: string;
  originalUrl?: string;
  method?: string;
}

interface HttpResponse {
  status(code: number): HttpResponse;
  setHeader(name: string, value: string): void;
  send(body: string): void;
  headersSent?: boolean;
}

/**
 * Turns every error into an RFC 9457 problem. A service's own errors are
 * mapped by its ProblemMapper (the only place domain errors become statuses);
 * Nest's HttpExceptions keep their status; anything else is a 500 whose
 * details stay in the log, never in the response.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Problem');

  constructor(private readonly mapError: ProblemMapper = () => undefined) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<HttpRequest>();
    const response = http.getResponse<HttpResponse>();
    const mapped = this.mapError(error);
    const problem = this.toProblem(error, request.originalUrl ?? request.url);
    if (problem.status >= 500) {
      this.logger.error(
        `${request.method} ${request.originalUrl ?? request.url} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      );
    }
    if (response.headersSent) return;
    // e.g. Retry-After on a 429
    for (const [name, value] of Object.entries(mapped?.headers ?? {}))
      response.setHeader(name, value);
    response.setHeader('content-type', PROBLEM_CONTENT_TYPE);
    response.status(problem.status).send(JSON.stringify(problem));
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
    // The body parser's own client errors (too large, bad charset) come as http-errors.
    const clientError = error as { status?: unknown; expose?: unknown; message?: unknown };
    if (
      typeof clientError.status === 'number' &&
      clientError.status >= 400 &&
      clientError.status < 500 &&
      clientError.expose === true
    ) {
      return {
        type: 'about:blank',
        ...base(clientError.status),
        detail: String(clientError.message),
      };
    }
    return {
      type: 'about:blank',
      ...base(HttpStatus.INTERNAL_SERVER_ERROR),
      detail: 'An unexpected error occurred.',
    };
  }
}

function detailOf(error: HttpException): string {
  const body = error.getResponse();
  if (typeof body === 'string') return body;
  const message = (body as { message?: unknown }).message;
  if (Array.isArray(message)) return message.join('; ');
  return typeof message === 'string' ? message : error.message;
}
