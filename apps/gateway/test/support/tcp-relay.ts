import { createServer, connect, type Server, type Socket } from 'node:net';
import { type AddressInfo } from 'node:net';

/**
 * A TCP relay in front of a real server, to take that server away from one
 * client and give it back: `cut()` closes the port and every connection
 * through it (the client sees the server vanish), `restore()` listens on the
 * same port again. The server itself keeps running for everyone else.
 */
export class TcpRelay {
  private readonly sockets = new Set<Socket>();
  private server: Server | undefined;
  private port = 0;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  async restore(): Promise<void> {
    const server = createServer((client) => {
      const target = connect(this.targetPort, this.targetHost);
      for (const socket of [client, target]) {
        this.sockets.add(socket);
        socket.once('close', () => this.sockets.delete(socket));
        // A reset on one side ends the other: the relay never outlives either end.
        socket.once('error', () => {
          client.destroy();
          target.destroy();
        });
      }
      client.pipe(target).pipe(client);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve, reject) =>
      server ? server.close((error) => (error ? reject(error) : resolve())) : resolve(),
    );
  }
}
