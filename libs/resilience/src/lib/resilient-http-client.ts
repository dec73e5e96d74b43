import CircuitBreaker from 'opossum';
import { Agent, request as undiciRequest } from 'undici';
import { type UnavailableReason, UpstreamUnavailableError } from './upstream.errors';

export interface CircuitBreakerOptions {
  /** Failure percentage in the rolling window that opens the circuit. */
  errorThresholdPercentage: number;
  /** Calls in the window before the percentage counts (a single failure never opens it). */
  volumeThreshold: number;
  /** How long the circuit stays open before one trial call (half-open). */
  resetTimeoutMs: number;
  rollingWindowMs: number;
}

export interface UpstreamOptions {
  /** The upstream's name, in errors, logs and metrics (`catalog`). */
  name: string;
  baseUrl: string;
  /** Per attempt, connection to last body byte. */
  timeoutMs: number;
  /** Extra attempts for idempotent reads (GET, HEAD) that found the upstream unavailable. */
  retries?: number;
  /** Base of the exponential backoff between attempts (full jitter). */
  retryBackoffMs?: number;
  breaker?: Partial<CircuitBreakerOptions>;
  /** Bulkhead: calls in flight at once; more fail fast as `saturated`. */
  maxConcurrent?: number;
}

export interface UpstreamRequest {
  method?: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path and query, appended to `baseUrl`. */
  path: string;
  headers?: Record<string, string>;
  /** Sent as JSON. */
  body?: unknown;
  /** Retry it like a read; for a POST that only reads (a lookup). Default: GET and HEAD only. */
  idempotent?: boolean;
  /** Keep the body as text (a proxy passes it on); default: parse JSON answers. */
  raw?: boolean;
  /** A body already serialized (a proxy passes it on as received), sent instead of `body`. */
  rawBody?: { contentType: string; text: string };
}

export type ResponseHeaders = Record<string, string | string[] | undefined>;

export interface UpstreamResponse {
  status: number;
  /** Lower-case names, as received. */
  headers: ResponseHeaders;
  /** Parsed JSON when the upstream sent JSON, else the text (or undefined when empty). */
  body: unknown;
}

export type CircuitState = 'closed' | 'open' | 'half-open';

const DEFAULT_BREAKER: CircuitBreakerOptions = {
  errorThresholdPercentage: 50,
  volumeThreshold: 5,
  resetTimeoutMs: 5_000,
  rollingWindowMs: 10_000,
};
const IDEMPOTENT = new Set(['GET', 'HEAD']);
const RETRIABLE_STATUS = new Set([500, 502, 503, 504]);

/** An attempt ran out of time (the request was aborted). */
class AttemptTimedOut extends Error {}

/** Thrown inside an attempt for a 5xx, so the breaker counts it as a failure. */
class ServerErrorResponse extends Error {
  constructor(readonly response: UpstreamResponse) {
    super(`answered ${response.status}`);
  }
}

/**
 * An HTTP client for one upstream with the four stability patterns a caller
 * needs: a timeout on every attempt, retries with backoff for idempotent reads
 * only, a circuit breaker (opossum) that fails fast while the upstream is
 * down, and a bulkhead that caps calls in flight. 4xx answers are results, not
 * failures: they are returned and never trip the breaker. Everything that is
 * not an answer becomes an `UpstreamUnavailableError`.
 */
export class ResilientHttpClient {
  private readonly breaker: CircuitBreaker<[UpstreamRequest], UpstreamResponse>;
  private readonly retries: number;
  private readonly retryBackoffMs: number;
  // Keep-alive connections per upstream (undici): no TCP handshake per call.
  private readonly dispatcher: Agent;

  constructor(private readonly options: UpstreamOptions) {
    this.dispatcher = new Agent({
      keepAliveTimeout: 10_000,
      connections: options.maxConcurrent ?? 128,
    });
    this.retries = options.retries ?? 2;
    this.retryBackoffMs = options.retryBackoffMs ?? 50;
    const breaker = { ...DEFAULT_BREAKER, ...options.breaker };
    this.breaker = new CircuitBreaker((request: UpstreamRequest) => this.attempt(request), {
      name: options.name,
      // The attempt enforces its own timeout (and aborts the request); opossum's would not.
      timeout: false,
      errorThresholdPercentage: breaker.errorThresholdPercentage,
      volumeThreshold: breaker.volumeThreshold,
      resetTimeout: breaker.resetTimeoutMs,
      rollingCountTimeout: breaker.rollingWindowMs,
      ...(options.maxConcurrent ? { capacity: options.maxConcurrent } : {}),
      // Nothing here reads latency percentiles or listens for snapshots: neither is kept
      // (the percentiles mean storing and sorting every call's latency in the window).
      rollingPercentilesEnabled: false,
      enableSnapshots: false,
    });
  }

  get name(): string {
    return this.options.name;
  }

  get circuitState(): CircuitState {
    if (this.breaker.opened) return 'open';
    return this.breaker.halfOpen ? 'half-open' : 'closed';
  }

  /** Called on every circuit transition (for logs and metrics). */
  onCircuitStateChange(listener: (state: CircuitState) => void): void {
    this.breaker.on('open', () => listener('open'));
    this.breaker.on('halfOpen', () => listener('half-open'));
    this.breaker.on('close', () => listener('closed'));
  }

  async request(request: UpstreamRequest): Promise<UpstreamResponse> {
    const method = request.method ?? 'GET';
    // A caller's mistake, not the upstream's: checked before the breaker counts anything.
    this.urlOf(request.path);
    const attempts = (request.idempotent ?? IDEMPOTENT.has(method)) ? 1 + this.retries : 1;
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.breaker.fire({ ...request, method });
      } catch (error) {
        const unavailable = this.toUnavailable(error);
        const retriable =
          unavailable.reason !== 'circuit-open' && unavailable.reason !== 'saturated';
        if (!retriable || attempt >= attempts) throw unavailable;
        await delay(Math.random() * this.retryBackoffMs * 2 ** (attempt - 1));
      }
    }
  }

  async shutdown(): Promise<void> {
    this.breaker.shutdown();
    await this.dispatcher.close();
  }

  private async attempt(request: UpstreamRequest): Promise<UpstreamResponse> {
    const headers: Record<string, string> = { accept: 'application/json', ...request.headers };
    let body: string | undefined;
    if (request.rawBody) {
      body = request.rawBody.text;
      headers['content-type'] = request.rawBody.contentType;
    } else if (request.body !== undefined) {
      body = JSON.stringify(request.body);
      headers['content-type'] = 'application/json';
    }
    // A timer of our own, cleared with the answer: AbortSignal.timeout() costs far more per call.
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.options.timeoutMs);
    try {
      const response = await undiciRequest(this.urlOf(request.path), {
        method: request.method ?? 'GET',
        headers,
        ...(body === undefined ? {} : { body }),
        signal: controller.signal,
        dispatcher: this.dispatcher,
      });
      const text = await response.body.text();
      const type = String(response.headers['content-type'] ?? '');
      const result: UpstreamResponse = {
        status: response.statusCode,
        headers: response.headers,
        body:
          text === ''
            ? undefined
            : !request.raw && /[/+]json\b/.test(type)
              ? (JSON.parse(text) as unknown)
              : text,
      };
      if (RETRIABLE_STATUS.has(response.statusCode)) throw new ServerErrorResponse(result);
      return result;
    } catch (error) {
      if (controller.signal.aborted && !(error instanceof ServerErrorResponse)) {
        throw new AttemptTimedOut();
      }
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Always on the upstream's own origin: `//host/…` or an absolute URL is refused, never followed. */
  private urlOf(path: string): URL {
    if (!/^\/(?!\/)/.test(path)) throw new Error(`not a path on ${this.options.name}: ${path}`);
    return new URL(`${this.options.baseUrl.replace(/\/$/, '')}${path}`);
  }

  private toUnavailable(error: unknown): UpstreamUnavailableError {
    const { name } = this.options;
    const code = (error as { code?: string } | null)?.code;
    const unavailable = (reason: UnavailableReason, detail: string): UpstreamUnavailableError =>
      new UpstreamUnavailableError(name, reason, detail, { cause: error });
    if (code === 'EOPENBREAKER') return unavailable('circuit-open', 'failing fast');
    if (code === 'ESEMLOCKED') return unavailable('saturated', 'too many calls in flight');
    if (error instanceof ServerErrorResponse) {
      return new UpstreamUnavailableError(name, 'server-error', error.message, {
        cause: error,
        response: error.response,
      });
    }
    if (error instanceof AttemptTimedOut) {
      return unavailable('timeout', `no answer within ${this.options.timeoutMs} ms`);
    }
    return unavailable('unreachable', describe(error));
  }
}

function describe(error: unknown): string {
  const { cause, message } = (error ?? {}) as {
    cause?: { code?: string; message?: string };
    message?: string;
  };
  return cause?.code ?? cause?.message ?? message ?? String(error);
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
