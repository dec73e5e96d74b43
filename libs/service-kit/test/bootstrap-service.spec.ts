import { freePort } from '@shop/testing';
import { createServer, type Server } from 'node:net';
import { ScriptProcess } from './support/script-process';

/**
 * `bootstrapService` as a service's main.ts runs it: a process of its own
 * (test/support/widget-service.main.ts), judged by its exit status, its
 * output and whether it answers on its port.
 */
describe('bootstrapService (a widget service started as a process)', () => {
  it('builds the app from the loaded configuration and listens on its PORT', async () => {
    const port = await freePort();
    const service = new ScriptProcess('widget-service.main.ts', {
      PORT: String(port),
      WIDGET_GREETING: 'hello',
    });
    try {
      const answer = await answerOf(`http://127.0.0.1:${port}/greeting`, service);

      expect(answer).toEqual({ status: 200, body: { greeting: 'hello' } });
    } finally {
      await service.stop();
    }
  });

  it('stops on a bad configuration with one line naming every bad variable, no stack, and exit 1', async () => {
    const outcome = await ScriptProcess.run('widget-service.main.ts', { PORT: 'eighty' });

    expect(outcome).toEqual({
      status: 1,
      stdout: '',
      stderr:
        'widget service failed to start: invalid configuration: ' +
        'PORT: Invalid input: expected number, received NaN; ' +
        'WIDGET_GREETING: Invalid input: expected string, received undefined\n',
    });
  });

  it('stops on a HOST that is neither an IP address nor a host name, naming it', async () => {
    const outcome = await ScriptProcess.run('widget-service.main.ts', {
      PORT: String(await freePort()),
      WIDGET_GREETING: 'hello',
      HOST: '0.0.0.0; rm -rf /',
    });

    expect(outcome).toEqual({
      status: 1,
      stdout: '',
      stderr:
        'widget service failed to start: invalid configuration: ' +
        'HOST: "0.0.0.0; rm -rf /" is not an IP address or a host name\n',
    });
  });

  it('stops on any other failure with its stack, and exit 1', async () => {
    const port = await freePort();
    const occupant = await occupy(port);
    try {
      const outcome = await ScriptProcess.run('widget-service.main.ts', {
        PORT: String(port),
        WIDGET_GREETING: 'hello',
      });

      expect(outcome.status).toBe(1);
      expect(outcome.stderr).toMatch(
        new RegExp(`^widget service failed to start: Error: listen EADDRINUSE.*:${port}\\n\\s+at `),
      );
    } finally {
      await new Promise((done) => occupant.close(done));
    }
  });
});

/** Binds the port as the app would (every interface), so the app's own bind fails. */
function occupy(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer().once('error', reject);
    server.listen(port, () => resolve(server));
  });
}

async function answerOf(
  url: string,
  service: ScriptProcess,
): Promise<{ status: number; body: unknown }> {
  const deadline = Date.now() + 30_000;
  let exited = false;
  void service.exited.then(() => (exited = true));
  for (;;) {
    try {
      const response = await fetch(url);
      return { status: response.status, body: await response.json() };
    } catch (error) {
      if (exited) throw new Error(`the service exited: ${JSON.stringify(await service.exited)}`);
      if (Date.now() > deadline) throw error;
      await new Promise((done) => setTimeout(done, 100));
    }
  }
}
