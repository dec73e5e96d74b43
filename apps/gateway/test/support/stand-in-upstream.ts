import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';

/**
 * A real HTTP server standing in for every service behind the gateway: it
 * answers any forwarded request with `200 {"path": …}`, and has no OpenAPI
 * document (the gateway then forwards without validating at the edge). Enough
 * for tests about what the edge does before forwarding.
 */
export class StandInUpstream {
  private constructor(private readonly server: Server) {}

  static async start(): Promise<StandInUpstream> {
    const server = createServer((request, response) => {
      if (request.url === '/docs-json') {
        response.writeHead(404).end();
        return;
      }
      response
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ path: request.url }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new StandInUpstream(server);
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve, reject) =>
      this.server.close((error) => (error ? reject(error) : resolve())),
    );
  }
}
