import 'reflect-metadata';
import { type INestApplication } from '@nestjs/common';
import { freePort, TestTokenIssuer, uniqueName } from '@shop/testing';
import { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadGatewayConfig } from '../src/config/gateway-config';
import { RateLimits } from '../src/edge/rate-limits';
import { createGatewayApp } from '../src/gateway-app';
import { StandInUpstream } from './support/stand-in-upstream';
import { TcpRelay } from './support/tcp-relay';

const WINDOW_SECONDS = 60;
// Any product id will do (the stand-in answers every path); the edge wants a UUID.
const PRODUCT_ID = '0193a5b2-7c1d-7e3f-8a4b-5c6d7e8f9a0b';

function redisUrl(): string {
  const url = process.env['REDIS_URL'];
  if (!url) {
    throw new Error(
      'REDIS_URL not set: run tests through `npm test` or `npx nx test gateway` (the Jest global ' +
        'setup provisions Redis), or export the settings of `npm run -s infra:env`.',
    );
  }
  return url;
}

describe('rate limits shared through Redis (a real Redis server, gateway replicas in this process)', () => {
  const replicas: INestApplication[] = [];
  let upstream: StandInUpstream;
  let tokens: TestTokenIssuer;
  let redis: Redis;
  let relay: TcpRelay | undefined;

  beforeAll(async () => {
    upstream = await StandInUpstream.start();
    tokens = await TestTokenIssuer.start();
    redis = new Redis(redisUrl());
  });

  afterEach(async () => {
    await Promise.all(replicas.splice(0).map((replica) => replica.close()));
    await relay?.cut();
    relay = undefined;
  });

  afterAll(async () => {
    await tokens?.stop();
    await upstream?.stop();
    await redis?.quit();
  });

  /** A gateway replica in front of the stand-in services; returns its base URL. */
  async function startReplica(settings: Record<string, string>): Promise<string> {
    const replica = await createGatewayApp(
      loadGatewayConfig({
        USER_SERVICE_URL: upstream.url,
        CATALOG_SERVICE_URL: upstream.url,
        ORDER_SERVICE_URL: upstream.url,
        PAYMENT_SERVICE_URL: upstream.url,
        AUTH_JWKS_URL: tokens.jwksUrl,
        AUTH_ISSUER: tokens.issuer,
        AUTH_AUDIENCE: tokens.audience,
        RATE_LIMIT_WINDOW_SECONDS: String(WINDOW_SECONDS),
        ...settings,
      }),
    );
    replicas.push(replica);
    await replica.listen(0, '127.0.0.1');
    return replica.getUrl();
  }

  const get = (base: string, path: string, token?: string): Promise<Response> =>
    fetch(`${base}/api/v1${path}`, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });

  const limitHeaders = (answer: Response) => ({
    status: answer.status,
    limit: answer.headers.get('ratelimit-limit'),
    remaining: answer.headers.get('ratelimit-remaining'),
  });

  /** A replica counting on the Redis of REDIS_URL, under `prefix`. */
  const replicaOnRedis = (prefix: string, settings: Record<string, string>): Promise<string> =>
    startReplica({ REDIS_URL: redisUrl(), RATE_LIMIT_KEY_PREFIX: prefix, ...settings });

  /** Two replicas on the same Redis under one key prefix: one budget. */
  async function twoReplicasSharing(
    prefix: string,
    limits: Record<string, string>,
  ): Promise<[string, string]> {
    return [await replicaOnRedis(prefix, limits), await replicaOnRedis(prefix, limits)];
  }

  const sharing = (replica: INestApplication): boolean => replica.get(RateLimits).sharing;

  /** The counters a prefix holds in Redis, by key. */
  async function countersOf(prefix: string): Promise<Record<string, string | null>> {
    const keys = (await redis.keys(`${prefix}:*`)).sort();
    return Object.fromEntries(
      await Promise.all(keys.map(async (key) => [key, await redis.get(key)])),
    );
  }

  /**
   * Waits until the counters under a prefix add up to `total`: a replica sends what it let
   * through to Redis in the background (every RATE_LIMIT_SYNC_MS), after its answers.
   */
  async function untilCounted(prefix: string, total: number): Promise<number> {
    let counted = 0;
    for (let attempt = 0; attempt < 250; attempt += 1) {
      const counters = Object.values(await countersOf(prefix));
      counted = counters.reduce((sum, value) => sum + Number(value), 0);
      if (counted >= total) break;
      await sleep(20);
    }
    return counted;
  }

  it('gives two replicas on one Redis one budget per address: the second answers 429 once the first used it', async () => {
    const prefix = uniqueName('address budget');
    const [first, second] = await twoReplicasSharing(prefix, { RATE_LIMIT_PER_ADDRESS: '3' });

    const used = [];
    for (let request = 0; request < 3; request += 1)
      used.push(await get(first, `/products/${PRODUCT_ID}`));
    const countedBeforeSecond = await untilCounted(prefix, 3);
    const refused = await get(second, `/products/${PRODUCT_ID}`);

    expect(used.map(limitHeaders)).toEqual([
      { status: 200, limit: '3', remaining: '2' },
      { status: 200, limit: '3', remaining: '1' },
      { status: 200, limit: '3', remaining: '0' },
    ]);
    expect(countedBeforeSecond).toBe(3);
    expect(limitHeaders(refused)).toEqual({ status: 429, limit: '3', remaining: '0' });
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect(await refused.json()).toMatchObject({ status: 429 });
    const counters = await countersOf(prefix);
    expect(Object.keys(counters)).toEqual([
      expect.stringMatching(new RegExp(`^${prefix}:address:`)),
    ]);
    expect(Object.values(counters)).toEqual(['4']);
  });

  it('says when to come back: Retry-After on the 429 equals RateLimit-Reset, within the window', async () => {
    const [first, second] = await twoReplicasSharing(uniqueName('reset'), {
      RATE_LIMIT_PER_ADDRESS: '1',
    });

    const allowed = await get(first, '/categories');
    const refused = await get(second, '/categories');

    const reset = Number(allowed.headers.get('ratelimit-reset'));
    expect(reset).toBeGreaterThanOrEqual(1);
    expect(reset).toBeLessThanOrEqual(WINDOW_SECONDS);
    expect(allowed.headers.get('retry-after')).toBeNull();
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(reset);
    expect(refused.headers.get('ratelimit-reset')).toBe(String(retryAfter));
  });

  it('shares the per-user budget too, counted apart for each user', async () => {
    const prefix = uniqueName('user budget');
    const [first, second] = await twoReplicasSharing(prefix, { RATE_LIMIT_PER_USER: '2' });
    const ada = await tokens.issue({ sub: randomUUID() });
    const grace = await tokens.issue({ sub: randomUUID() });

    const adaOnFirst = [await get(first, '/orders', ada), await get(first, '/orders', ada)];
    // Ada's two, and the address's two: each request counts per address and per user.
    const counted = await untilCounted(prefix, 4);
    const adaOnSecond = await get(second, '/orders', ada);
    const graceOnSecond = await get(second, '/orders', grace);

    expect(adaOnFirst.map(limitHeaders)).toEqual([
      { status: 200, limit: '2', remaining: '1' },
      { status: 200, limit: '2', remaining: '0' },
    ]);
    expect(counted).toBe(4);
    expect(limitHeaders(adaOnSecond)).toEqual({ status: 429, limit: '2', remaining: '0' });
    expect(limitHeaders(graceOnSecond)).toEqual({ status: 200, limit: '2', remaining: '1' });
  });

  it('decides from the count it knows without waiting for Redis, and refuses without asking it once the budget is spent', async () => {
    const prefix = uniqueName('ahead');
    const replica = await replicaOnRedis(prefix, {
      RATE_LIMIT_PER_ADDRESS: '2',
    });
    const first = await get(replica, '/categories');
    // Redis holds every client's commands from now on: a PING sent now answers only after the pause.
    const pauser = new Redis(redisUrl());
    const probe = new Redis(redisUrl());
    try {
      await probe.ping();
      await pauser.client('PAUSE', 3_000, 'ALL');
      const redisAnswered = probe.ping().then(() => 'redis');
      const edge = (async () => [
        await get(replica, '/categories'),
        await get(replica, '/categories'),
      ])();

      const firstToAnswer = await Promise.race([edge.then(() => 'edge'), redisAnswered]);
      const [second, third] = await edge;
      await redisAnswered;
      // The admitted request is counted in Redis once Redis runs again; the refused one is not.
      let count: string | null = null;
      for (let attempt = 0; attempt < 50 && count !== '2'; attempt += 1) {
        count = await redis.get(Object.keys(await countersOf(prefix))[0] ?? 'none');
        if (count !== '2') await sleep(100);
      }

      expect(firstToAnswer).toBe('edge');
      expect([first, second, third].map(limitHeaders)).toEqual([
        { status: 200, limit: '2', remaining: '1' },
        { status: 200, limit: '2', remaining: '0' },
        { status: 429, limit: '2', remaining: '0' },
      ]);
      expect(Number(third?.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(count).toBe('2');
    } finally {
      await pauser.client('UNPAUSE');
      pauser.disconnect();
      probe.disconnect();
    }
  });

  it("learns the other replicas' use from Redis's answer to its own counts, one answer late", async () => {
    const prefix = uniqueName('one answer late');
    const [first, second] = await twoReplicasSharing(prefix, { RATE_LIMIT_PER_ADDRESS: '10' });

    const before = await get(first, '/categories');
    for (let request = 0; request < 5; request += 1) await get(second, '/categories');
    const countedAfterSecond = await untilCounted(prefix, 6);
    // Decided from what the first replica knew: the second's five are not in it yet.
    const unaware = await get(first, '/categories');
    const countedAfterFirst = await untilCounted(prefix, 7);
    // Redis's answer to that count (its reply, on the replica's connection) has arrived too.
    await sleep(100);
    const corrected = await get(first, '/categories');

    expect(countedAfterSecond).toBe(6);
    expect(countedAfterFirst).toBe(7);
    expect([before, unaware, corrected].map(limitHeaders)).toEqual([
      { status: 200, limit: '10', remaining: '9' },
      { status: 200, limit: '10', remaining: '8' },
      { status: 200, limit: '10', remaining: '2' },
    ]);
  });

  it('sends what it let through to Redis when it shuts down', async () => {
    const prefix = uniqueName('shutdown');
    const replica = await replicaOnRedis(prefix, {
      RATE_LIMIT_PER_ADDRESS: '100',
      // Longer than the test: only the shutdown sends the counts.
      RATE_LIMIT_SYNC_MS: '600000',
    });

    for (let request = 0; request < 3; request += 1) await get(replica, '/categories');
    const beforeShutdown = Object.values(await countersOf(prefix));
    await (replicas.pop() as INestApplication).close();

    expect(beforeShutdown).toEqual(['1']);
    expect(Object.values(await countersOf(prefix))).toEqual(['3']);
  });

  it('asks Redis again once the window it knew has ended', async () => {
    const prefix = uniqueName('next window');
    const replica = await replicaOnRedis(prefix, {
      RATE_LIMIT_PER_ADDRESS: '1',
      RATE_LIMIT_WINDOW_SECONDS: '1',
    });

    const inWindow = [await get(replica, '/categories'), await get(replica, '/categories')];
    const retryAfter = Number(inWindow[1]?.headers.get('retry-after'));
    await sleep(retryAfter * 1_000 + 100);
    const nextWindow = await get(replica, '/categories');

    expect(inWindow.map(limitHeaders)).toEqual([
      { status: 200, limit: '1', remaining: '0' },
      { status: 429, limit: '1', remaining: '0' },
    ]);
    expect(retryAfter).toBe(1);
    expect(limitHeaders(nextWindow)).toEqual({ status: 200, limit: '1', remaining: '0' });
    expect(Object.values(await countersOf(prefix))).toEqual(['1']);
  });

  it('keeps budgets under different key prefixes apart on the same Redis', async () => {
    const spent = uniqueName('spent');
    const fresh = uniqueName('fresh');
    const onSpent = await replicaOnRedis(spent, {
      RATE_LIMIT_PER_ADDRESS: '1',
    });
    const alsoOnSpent = await replicaOnRedis(spent, {
      RATE_LIMIT_PER_ADDRESS: '1',
    });
    const onFresh = await replicaOnRedis(fresh, {
      RATE_LIMIT_PER_ADDRESS: '1',
    });

    expect((await get(onSpent, '/categories')).status).toBe(200);
    expect((await get(alsoOnSpent, '/categories')).status).toBe(429);
    expect((await get(onFresh, '/categories')).status).toBe(200);
    expect(Object.values(await countersOf(spent))).toEqual(['2']);
    expect(Object.values(await countersOf(fresh))).toEqual(['1']);
  });

  it('keeps answering, with limits counted in memory, when nothing answers at REDIS_URL', async () => {
    const deadPort = await freePort();
    const replica = await startReplica({
      REDIS_URL: `redis://127.0.0.1:${deadPort}`,
      RATE_LIMIT_KEY_PREFIX: uniqueName('dead port'),
      RATE_LIMIT_PER_ADDRESS: '2',
    });

    const answers = [
      await get(replica, `/products/${PRODUCT_ID}`),
      await get(replica, `/products/${PRODUCT_ID}`),
      await get(replica, `/products/${PRODUCT_ID}`),
    ];

    expect(answers.map(limitHeaders)).toEqual([
      { status: 200, limit: '2', remaining: '1' },
      { status: 200, limit: '2', remaining: '0' },
      { status: 429, limit: '2', remaining: '0' },
    ]);
    expect(Number(answers[2]?.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });

  it('falls back to memory while Redis goes away mid-run, and shares the budget again once it is back', async () => {
    const target = new URL(redisUrl());
    relay = new TcpRelay(target.hostname, Number(target.port));
    await relay.restore();
    const prefix = uniqueName('outage');
    const throughRelay = {
      REDIS_URL: `redis://${relay.address}`,
      RATE_LIMIT_KEY_PREFIX: prefix,
      RATE_LIMIT_PER_ADDRESS: '100',
    };
    const first = await startReplica(throughRelay);
    const second = await startReplica(throughRelay);
    const sharedCount = async () => Number(Object.values(await countersOf(prefix))[0] ?? 0);

    const before = [await get(first, '/categories'), await get(second, '/categories')];
    await relay.cut();
    // Until a replica has seen its connection close, it still decides from the count it knew.
    for (let attempt = 0; attempt < 100 && replicas.some(sharing); attempt += 1) await sleep(20);
    expect(replicas.some(sharing)).toBe(false);
    const during = [
      await get(first, '/categories'),
      await get(second, '/categories'),
      await get(second, '/categories'),
    ];
    const countAfterOutage = await sharedCount();
    await relay.restore();
    // ioredis reconnects on its own schedule: ask until the second replica counts in Redis again.
    let after: Response | undefined;
    for (
      let attempt = 0;
      attempt < 100 && (await sharedCount()) === countAfterOutage;
      attempt += 1
    ) {
      after = await get(second, '/categories');
      if ((await sharedCount()) === countAfterOutage) await sleep(100);
    }

    expect(before.map(limitHeaders)).toEqual([
      { status: 200, limit: '100', remaining: '99' },
      { status: 200, limit: '100', remaining: '98' },
    ]);
    // Each replica counts alone while Redis is away: fresh budgets in memory, nothing written to Redis.
    expect(during.map(limitHeaders)).toEqual([
      { status: 200, limit: '100', remaining: '99' },
      { status: 200, limit: '100', remaining: '99' },
      { status: 200, limit: '100', remaining: '98' },
    ]);
    expect(countAfterOutage).toBe(2);
    expect(await sharedCount()).toBe(3);
    expect(limitHeaders(after as Response)).toEqual({ status: 200, limit: '100', remaining: '97' });
  });
});
