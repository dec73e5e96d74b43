import { type Counter, type Histogram } from 'prom-client';

interface HttpRequest {
  method: string;
  route?: { path?: string };
  baseUrl?: string;
}

interface HttpResponse {
  statusCode: number;
  once(event: 'finish', listener: () => void): void;
}

/** The route label of a request no route matched. */
export const UNMATCHED_ROUTE = 'unmatched';

/**
 * RED metrics per route: requests by method, route pattern and status, and
 * their duration. The route is the pattern (`/users/:id`), never the URL, so
 * ids do not explode the label set; a request no route matched is `unmatched`.
 */
export class HttpMetricsMiddleware {
  constructor(
    private readonly requests: Counter<'method' | 'route' | 'status'>,
    private readonly durations: Histogram<'method' | 'route' | 'status'>,
  ) {}

  use(request: HttpRequest, response: HttpResponse, next: () => void): void {
    const started = performance.now();
    response.once('finish', () => {
      const route = request.route?.path
        ? `${request.baseUrl ?? ''}${request.route.path}`
        : UNMATCHED_ROUTE;
      this.record(request.method, route, response.statusCode, performance.now() - started);
    });
    next();
  }

  /** One answered request (for servers that report from their own hooks, such as Fastify's). */
  record(method: string, route: string, status: number, durationMs: number): void {
    const labels = { method, route, status: String(status) };
    this.requests.inc(labels);
    this.durations.observe(labels, durationMs / 1_000);
  }
}
