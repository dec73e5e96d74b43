import { Redis } from 'ioredis';
import {
  type IRateLimiterOptions,
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
  type RateLimiterAbstract,
} from 'rate-limiter-flexible';
import { type GatewayConfig } from '../config/gateway-config';
import { rateLimited } from './edge.errors';

export interface RateLimitState {
  limit: number;
  remaining: number;
  resetSeconds: number;
}

/** What a limit answers: the library's result, or its refusal thrown. */
interface Limiter {
  readonly points: number;
  consume(key: string): Promise<RateLimiterRes>;
}

/**
 * Fixed-window limits (rate-limiter-flexible): per client address on every
 * route, stricter per address on the credential routes, and per signed-in
 * user. In memory by default (per replica); on Redis when REDIS_URL is set,
 * so replicas share them (decided ahead of Redis's answer, see
 * {@link SharedLimiter}), with an in-memory limiter standing in while Redis
 * is unreachable (limits loosen, the API stays up).
 */
export class RateLimits {
  private readonly perAddress: Limiter;
  private readonly authPerAddress: Limiter;
  private readonly perUser: Limiter;
  private readonly shared: SharedLimiter[] = [];

  static fromConfig(config: GatewayConfig, report: (message: string) => void): RateLimits {
    if (!config.REDIS_URL) return new RateLimits(config, undefined, Promise.resolve());
    const redis = new Redis(config.REDIS_URL, {
      maxRetriesPerRequest: 1,
      enableOfflineQueue: false,
    });
    // ioredis reconnects on its own: say once when the limits fall back to memory, and when they are back.
    let inMemory = false;
    redis.on('ready', () => {
      inMemory = false;
      report('Redis ready: rate limits shared with the other replicas');
    });
    redis.on('error', (error: Error) => {
      if (inMemory) return;
      inMemory = true;
      report(
        `Redis unreachable (${error.message}): rate limits counted in memory until it is back`,
      );
    });
    const firstAttempt = new Promise<void>((resolve) => {
      redis.once('ready', resolve);
      redis.once('error', () => resolve());
    });
    return new RateLimits(config, redis, firstAttempt, report);
  }

  private constructor(
    config: GatewayConfig,
    private readonly redis: Redis | undefined,
    private readonly firstAttempt: Promise<void>,
    report: (message: string) => void = () => undefined,
  ) {
    const limiter = (keyPrefix: string, points: number): Limiter => {
      const options: IRateLimiterOptions = {
        keyPrefix,
        points,
        duration: config.RATE_LIMIT_WINDOW_SECONDS,
      };
      if (!redis) return new RateLimiterMemory(options);
      const shared = new SharedLimiter(
        new RateLimiterRedis({
          ...options,
          storeClient: redis,
          // While the connection is down, count in memory at once instead of waiting for Redis.
          rejectIfRedisNotReady: true,
          insuranceLimiter: new RateLimiterMemory(options),
        }),
        () => redis.status === 'ready',
        config.RATE_LIMIT_WINDOW_SECONDS * 1_000,
        config.RATE_LIMIT_SYNC_MS,
        report,
      );
      this.shared.push(shared);
      return shared;
    };
    const prefix = config.RATE_LIMIT_KEY_PREFIX;
    this.perAddress = limiter(`${prefix}:address`, config.RATE_LIMIT_PER_ADDRESS);
    this.authPerAddress = limiter(`${prefix}:auth`, config.RATE_LIMIT_AUTH_PER_ADDRESS);
    this.perUser = limiter(`${prefix}:user`, config.RATE_LIMIT_PER_USER);
  }

  /**
   * Settles once the first connection to Redis succeeded or failed, so that a
   * replica starting next to a healthy Redis does not begin counting alone.
   */
  connected(): Promise<void> {
    return this.firstAttempt;
  }

  /** Whether the counts go to Redis now (false: in memory, no Redis configured or reachable). */
  get sharing(): boolean {
    return this.redis?.status === 'ready';
  }

  /** Counts a request from an address; throws the 429 when over a limit. */
  async consumeAddress(address: string, authRoute: boolean): Promise<RateLimitState> {
    const state = await consume(this.perAddress, address);
    return authRoute ? tighter(state, await consume(this.authPerAddress, address)) : state;
  }

  async consumeUser(userId: string): Promise<RateLimitState> {
    return consume(this.perUser, userId);
  }

  async close(): Promise<void> {
    for (const shared of this.shared) shared.close();
    // QUIT needs a connection; without one there is nothing to flush.
    if (this.redis?.status === 'ready') await this.redis.quit();
    else this.redis?.disconnect();
  }
}

/** The state to report: the limit closest to running out. */
export function tighter(a: RateLimitState, b: RateLimitState): RateLimitState {
  return b.remaining < a.remaining ? b : a;
}

/**
 * A limit counted in Redis whose decisions do not wait for Redis once it knows
 * the key. The first request of a key in a window asks Redis and waits for the
 * count; the next ones are decided from the count Redis gave last, less what
 * this replica let through since. What it lets through goes to Redis in the
 * background, one command per key every `syncMs` (rate-limiter-flexible's
 * `consume(key, points)`), and Redis's answer corrects the estimate. So a
 * request pays no Redis round trip on its way (otherwise one more network hop
 * on every request), Redis gets one command per busy key and interval instead
 * of one per request, and every admitted request is still counted there for
 * the other replicas. What the others let through is seen one answer late:
 * across replicas a burst can pass the limit by what they admit in one
 * interval and round trip. A refusal is decided here alone (a fixed window's
 * count only grows until it ends) and costs Redis nothing, as
 * rate-limiter-flexible's in-memory block does. While Redis is not ready,
 * every request goes to the library, whose in-memory limiter stands in.
 */
export class SharedLimiter implements Limiter {
  private readonly known = new Map<string, KnownCount>();
  private readonly sweeper: NodeJS.Timeout;
  private flushTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly limiter: RateLimiterAbstract,
    private readonly redisReady: () => boolean,
    windowMs: number,
    private readonly syncMs: number,
    private readonly report: (message: string) => void,
  ) {
    // Counts of ended windows are forgotten: the map holds the keys seen in one window.
    this.sweeper = setInterval(() => this.forgetEnded(Date.now()), windowMs);
    this.sweeper.unref();
  }

  get points(): number {
    return this.limiter.points;
  }

  async consume(key: string): Promise<RateLimiterRes> {
    if (!this.redisReady()) {
      // Counted in memory by the library's stand-in; what was known may be stale once Redis is back.
      this.known.clear();
      return this.limiter.consume(key);
    }
    const now = Date.now();
    let count = this.known.get(key);
    if (!count) {
      count = { remaining: 0, resetAt: 0, pending: 0, sent: 0, applied: 0 };
      this.known.set(key, count);
    }
    if (now >= count.resetAt) return this.ask(key, count);
    const msBeforeNext = count.resetAt - now;
    if (count.remaining <= 0) throw new RateLimiterRes(0, msBeforeNext);
    count.remaining -= 1;
    count.pending += 1;
    this.flushTimer ??= setTimeout(() => this.flush(), this.syncMs);
    return new RateLimiterRes(count.remaining, msBeforeNext);
  }

  /** Sends what is still counted here only; Redis's answers arrive later. */
  close(): void {
    clearInterval(this.sweeper);
    this.flush();
  }

  /** A key not seen in this window: count it in Redis and wait for the answer. */
  private async ask(key: string, count: KnownCount): Promise<RateLimiterRes> {
    // Points let through in a window that has ended since belong to no window of Redis's.
    count.pending = 0;
    const sent = (count.sent += 1);
    try {
      const result = await this.limiter.consume(key);
      this.learn(key, sent, result);
      return result;
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) this.learn(key, sent, rejection);
      throw rejection;
    }
  }

  private flush(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    for (const [key, count] of this.known) {
      if (count.pending === 0) continue;
      const points = count.pending;
      count.pending = 0;
      const sent = (count.sent += points);
      this.limiter.consume(key, points).then(
        (result) => this.learn(key, sent, result),
        (rejection: unknown) => {
          if (rejection instanceof RateLimiterRes) this.learn(key, sent, rejection);
          else this.report(`rate limit counts not stored: ${(rejection as Error).message}`);
        },
      );
    }
  }

  /** Redis's count once it had the first `sent` points: the estimate, less what came after. */
  private learn(key: string, sent: number, result: RateLimiterRes): void {
    const count = this.known.get(key);
    // An answer older than one applied already, or one the library's stand-in gave: not Redis's count.
    if (!count || sent <= count.applied || !this.redisReady()) return;
    count.applied = sent;
    count.remaining = result.remainingPoints - (count.sent - sent) - count.pending;
    count.resetAt = Date.now() + result.msBeforeNext;
  }

  private forgetEnded(now: number): void {
    for (const [key, count] of this.known) {
      // An answer still on its way for a forgotten key is dropped; the key starts over from Redis.
      if (now >= count.resetAt && count.pending === 0) this.known.delete(key);
    }
  }
}

/** What a replica knows of a key's count in Redis. */
interface KnownCount {
  /** Points left in the window: Redis's last answer, less what was let through since. */
  remaining: number;
  /** When Redis's window for the key ends (epoch ms); 0 until Redis answered. */
  resetAt: number;
  /** Points let through and not yet sent to Redis. */
  pending: number;
  /** Points sent to Redis so far; `applied`: the most of them an answer has counted. */
  sent: number;
  applied: number;
}

async function consume(limiter: Limiter, key: string): Promise<RateLimitState> {
  try {
    const result = await limiter.consume(key);
    return stateOf(limiter, result);
  } catch (rejection) {
    if (!(rejection instanceof RateLimiterRes)) throw rejection;
    throw Object.assign(rateLimited(Math.max(1, Math.ceil(rejection.msBeforeNext / 1_000))), {
      state: stateOf(limiter, rejection),
    });
  }
}

function stateOf(limiter: Limiter, result: RateLimiterRes): RateLimitState {
  return {
    limit: limiter.points,
    remaining: Math.max(0, result.remainingPoints),
    resetSeconds: Math.max(0, Math.ceil(result.msBeforeNext / 1_000)),
  };
}
