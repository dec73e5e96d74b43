import { type DrillResult, killApp, runDrill, stopKafka } from '@shop/drills';
import { CUSTOMER, type IsolatedSystem, startIsolatedSystem } from './support/isolated-system';

/**
 * The fault drills of `npm run drill`, against a system of this suite's own
 * (with its own Kafka broker, so stopping it disturbs no other suite).
 */
describe('fault drills: kill -9 a service or stop Kafka in the middle of a burst of orders', () => {
  let shop: IsolatedSystem;

  beforeAll(async () => {
    // Short sessions, deadlines and provider timeouts: the drills recover in seconds, not minutes.
    const fastRecovery = { KAFKA_SESSION_TIMEOUT_MS: '6000' };
    shop = await startIsolatedSystem('drills', {
      ownBroker: true,
      appEnv: {
        order: { ...fastRecovery, SAGA_STEP_TIMEOUT_MS: '4000', SAGA_DEADLINE_POLL_MS: '500' },
        catalog: fastRecovery,
        payment: { ...fastRecovery, PAYMENT_PROVIDER_TIMEOUT_MS: '400' },
        // One customer's retries and polls across four drills in about a minute are the
        // drills' load, not abuse: the default 300 a minute throttled the last drills with
        // 429s (which the client now waits out, at up to a minute each).
        gateway: { RATE_LIMIT_PER_USER: '100000' },
      },
    });
  });

  afterAll(() => shop?.stop());

  const drill = (fault: Parameters<typeof runDrill>[0]['fault']): Promise<DrillResult> =>
    runDrill({
      gatewayUrl: shop.gatewayUrl,
      customer: CUSTOMER,
      fault,
      orders: 8,
      report: (line) => process.stdout.write(`[drill] ${line}\n`),
    });

  const expectInvariants = (result: DrillResult) => {
    expect(result.invariants.filter(({ ok }) => !ok)).toEqual([]);
    expect(result.orders.length).toBe(8);
  };

  it.each(['order', 'catalog', 'payment'] as const)(
    'kill -9 %s, restarted by its supervisor: the invariants hold',
    async (app) => {
      const supervised = shop.system.apps.get(app);
      if (!supervised) throw new Error(`the system has no ${app}`);
      const restartsBefore = supervised.restarts;
      const fault = killApp(app, () => supervised.kill('SIGKILL'), {
        url: supervised.url,
        startedAt: () => supervised.lastStartedAt,
      });
      const result = await drill(fault);
      expectInvariants(result);
      expect(supervised.restarts).toBeGreaterThan(restartsBefore);
      // How soon it answered is printed (a measurement, not a timed assertion); that it did, and
      // with the consumer's state in its readiness, is checked.
      const recovery = await fault.recovery;
      expect(recovery).toMatchObject({
        app,
        consumerWhenAnswered: expect.stringMatching(/^join(ing|ed)$/),
      });
      expect(result.measurements).toEqual([expect.stringContaining(`${app} restarted`)]);
    },
  );

  it('Kafka stopped for a while and started again: the invariants hold', async () => {
    const broker = shop.broker;
    if (!broker) throw new Error('this suite runs its own broker');
    const result = await drill(
      stopKafka(
        () => broker.kill(),
        () => broker.resume(),
        5_000,
      ),
    );
    expectInvariants(result);
  });
});
