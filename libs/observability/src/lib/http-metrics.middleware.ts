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
    const stop = this.durations.startTimer();
    response.once('finish', () => {
      const route = request.route?.path
        ? `${request.baseUrl ?? ''}${request.route.path}`
        : 'unmatched';
      const labels = { method: request.method, route, status: String(response.statusCode) };
      this.requests.inc(labels);
      stop(labels);
    });
    next();
  }
}
