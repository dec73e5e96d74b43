import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo } from 'node:net';
import { ResilientHttpClient, UpstreamUnavailableError } from '../src';

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

/** A real HTTP upstream whose behaviour each test scripts, counting the requests it sees. */
class ScriptedUpstream {
  hits = 0;
  private handler: Handler = (_request, response) => response.end();
  private readonly server: Server = createServer((request, response) => {
    this.hits += 1;
    this.handler(request, response);
  });

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  answer(handler: Handler): void {
    this.handler = handler;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve, reject) =>
      this.server.close((error) => (error ? reject(error) : resolve())),
    );
  }
}

const json =
  (status: number, body: unknown): Handler =>
  (_request, response) => {
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body));
  };

async function unavailability(call: Promise<unknown>): Promise<UpstreamUnavailableError> {
  const error = await call.then(
    () => undefined,
    (failure: unknown) => failure,
  );
  expect(error).toBeInstanceOf(UpstreamUnavailableError);
  return error as UpstreamUnavailableError;
}

describe('ResilientHttpClient (real HTTP upstream)', () => {
  const upstream = new ScriptedUpstream();
  let baseUrl: string;
  const clients: ResilientHttpClient[] = [];
  const client = (options: Partial<ConstructorParameters<typeof ResilientHttpClient>[0]> = {}) => {
    const created = new ResilientHttpClient({
      name: 'catalog',
      baseUrl,
      timeoutMs: 500,
      retries: 2,
      retryBackoffMs: 5,
      ...options,
    });
    clients.push(created);
    return created;
  };

  beforeAll(async () => {
    baseUrl = await upstream.start();
  });
  beforeEach(() => {
    upstream.hits = 0;
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((created) => created.shutdown()));
  });
  afterAll(() => upstream.stop());

  it('returns JSON answers, and 4xx answers as results (no retry)', async () => {
    upstream.answer(json(404, { title: 'not found' }));
    const response = await client().request({ path: '/products/x' });
    expect(response).toMatchObject({ status: 404, body: { title: 'not found' } });
    expect(upstream.hits).toBe(1);
  });

  it('retries an idempotent read that met a 503 and returns the later answer', async () => {
    upstream.answer((request, response) => {
      if (upstream.hits < 3) return json(503, { title: 'busy' })(request, response);
      json(200, { ok: true })(request, response);
    });
    const response = await client().request({ path: '/products' });
    expect(response).toMatchObject({ status: 200, body: { ok: true } });
    expect(upstream.hits).toBe(3);
  });

  it('never retries a write, even one that met a 503', async () => {
    upstream.answer(json(503, { title: 'busy' }));
    const error = await unavailability(
      client().request({ method: 'POST', path: '/orders', body: { a: 1 } }),
    );
    expect(error).toMatchObject({ upstream: 'catalog', reason: 'server-error' });
    expect(upstream.hits).toBe(1);
  });

  it('gives up on a slow answer at the timeout, for each attempt', async () => {
    upstream.answer((_request, response) => {
      setTimeout(() => json(200, { late: true })(_request, response), 1_000);
    });
    const error = await unavailability(
      client({ timeoutMs: 100, retries: 1 }).request({ path: '/slow' }),
    );
    expect(error.reason).toBe('timeout');
    expect(upstream.hits).toBe(2);
  });

  it('reports an upstream that refuses connections as unreachable', async () => {
    const gone = new ScriptedUpstream();
    const goneUrl = await gone.start();
    await gone.stop();
    const error = await unavailability(
      client({ baseUrl: goneUrl, retries: 0 }).request({ path: '/' }),
    );
    expect(error.reason).toBe('unreachable');
    expect(error.message).toContain('ECONNREFUSED');
  });

  it('opens the circuit after repeated failures, fails fast while open, and closes after a good trial call', async () => {
    upstream.answer(json(500, { title: 'broken' }));
    const breaking = client({
      retries: 0,
      breaker: { volumeThreshold: 3, errorThresholdPercentage: 50, resetTimeoutMs: 200 },
    });
    const states: string[] = [];
    breaking.onCircuitStateChange((state) => states.push(state));
    for (let call = 0; call < 3; call += 1) {
      expect((await unavailability(breaking.request({ path: '/p' }))).reason).toBe('server-error');
    }
    expect(breaking.circuitState).toBe('open');

    const hitsWhenOpened = upstream.hits;
    expect((await unavailability(breaking.request({ path: '/p' }))).reason).toBe('circuit-open');
    expect(upstream.hits).toBe(hitsWhenOpened);

    upstream.answer(json(200, { ok: true }));
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(breaking.circuitState).toBe('half-open');
    await expect(breaking.request({ path: '/p' })).resolves.toMatchObject({ status: 200 });
    expect(breaking.circuitState).toBe('closed');
    expect(states).toEqual(['open', 'half-open', 'closed']);
  });

  it('does not count 4xx answers as failures of the upstream', async () => {
    upstream.answer(json(400, { title: 'bad request' }));
    const strict = client({ breaker: { volumeThreshold: 2, errorThresholdPercentage: 1 } });
    for (let call = 0; call < 5; call += 1) {
      await expect(strict.request({ path: '/p' })).resolves.toMatchObject({ status: 400 });
    }
    expect(strict.circuitState).toBe('closed');
  });

  it('stays on the upstream: a path that would name another host is refused, and not counted', async () => {
    const strict = client({ breaker: { volumeThreshold: 1, errorThresholdPercentage: 1 } });
    await expect(strict.request({ path: '//elsewhere.example/x' })).rejects.toThrow(/not a path/);
    await expect(strict.request({ path: 'http://elsewhere.example/x' })).rejects.toThrow(
      /not a path/,
    );
    expect(strict.circuitState).toBe('closed');
    expect(upstream.hits).toBe(0);
  });

  it('caps calls in flight (bulkhead): the one over the cap fails fast as saturated', async () => {
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    upstream.answer((request, response) => {
      void held.then(() => json(200, { ok: true })(request, response));
    });
    const bulkhead = client({ maxConcurrent: 1, timeoutMs: 2_000 });
    const first = bulkhead.request({ path: '/p' });
    const error = await unavailability(bulkhead.request({ path: '/p' }));
    expect(error.reason).toBe('saturated');
    release();
    await expect(first).resolves.toMatchObject({ status: 200 });
    expect(upstream.hits).toBe(1);
  });
});
