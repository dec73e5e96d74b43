import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo } from 'node:net';

export interface CatalogProduct {
  id: string;
  sku: string;
  name: string;
  price: { amount: number; currency: string };
}

/**
 * The user and catalog services' REST endpoints the order service calls,
 * served by a real HTTP server: `GET /users/:id` (200 for a known customer
 * that presents a token, 404 otherwise) and `POST /products/lookup`.
 * `down()` makes both answer 503, as a failing upstream would.
 */
export class StubUpstreams {
  readonly customers = new Set<string>();
  readonly products = new Map<string, CatalogProduct>();
  lookups = 0;
  userChecks = 0;
  private failing = false;
  private readonly server: Server = createServer((request, response) => {
    void this.handle(request, response);
  });

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  down(): void {
    this.failing = true;
  }

  up(): void {
    this.failing = false;
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const send = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    let text = '';
    for await (const chunk of request) text += String(chunk);
    if (this.failing) return send(503, { title: 'unavailable' });
    const user = /^\/users\/([^/]+)$/.exec(request.url ?? '');
    if (request.method === 'GET' && user) {
      this.userChecks += 1;
      const known =
        this.customers.has(user[1] ?? '') && request.headers.authorization?.startsWith('Bearer ');
      return known ? send(200, { id: user[1] }) : send(404, { title: 'not found' });
    }
    if (request.method === 'POST' && request.url === '/products/lookup') {
      this.lookups += 1;
      const { ids } = JSON.parse(text) as { ids: string[] };
      return send(200, {
        items: ids.flatMap((id) => {
          const product = this.products.get(id);
          return product ? [{ ...product, available: 10 }] : [];
        }),
      });
    }
    send(404, { title: 'no such route' });
  }
}
