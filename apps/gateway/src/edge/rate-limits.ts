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
        // Without the library's insurance limiter: SharedLimiter falls back to memory itself, so
        // that an answer of the stand-in is never taken for Redis's count.
        new RateLimiterRedis({ ...options, storeClient: redis, rejectIfRedisNotReady: true }),
        new RateLimiterMemory(options),
        () => this.sharing,
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
 * the key. A key's first request in a window asks Redis and waits for the
 * count; the next ones are decided from the count Redis gave last, less what
 * this replica let through since. What it lets through goes to Redis in the
 * background, one command per key every `syncMs` (rate-limiter-flexible's
 * `consume(key, points)`), and Redis's answer corrects the estimate. So a
 * request pays no Redis round trip on its way (otherwise one more network hop
 * on every request), Redis gets one command per busy key and interval instead
 * of one per request, and every admitted request is still counted there for
 * the other replicas, which see it one answer late. A refusal is decided here
 * alone (a fixed window's count only grows until it ends) and costs Redis
 * nothing, as rate-limiter-flexible's in-memory block does. While Redis is not
 * ready, or fails a command, an in-memory limiter stands in (limits loosen,
 * the API stays up). Trade-offs: ADR 0008.
 */
export class SharedLimiter implements Limiter {
  private readonly known = new Map<string, KnownCount>();
  /** Keys with points let through and not yet sent. */
  private readonly unsent = new Set<string>();
  private readonly sweeper: NodeJS.Timeout;
  private flushTimer: NodeJS.Timeout | undefined;
  /** Redis failed a command and has not answered since: said once, not on every request. */
  private failing = false;

  constructor(
    private readonly redis: RateLimiterAbstract,
    private readonly memory: RateLimiterAbstract,
    private readonly redisReady: () => boolean,
    private readonly windowMs: number,
    private readonly syncMs: number,
    private readonly report: (message: string) => void,
  ) {
    // Counts of ended windows are forgotten: the map holds the keys of about one window.
    this.sweeper = setInterval(() => this.forgetEnded(performance.now()), this.windowMs);
    this.sweeper.unref();
  }

  get points(): number {
    return this.redis.points;
  }

  async consume(key: string): Promise<RateLimiterRes> {
    if (!this.redisReady()) {
      // What was known may be stale once Redis is back: each key asks it again then.
      this.known.clear();
      this.unsent.clear();
      return this.memory.consume(key);
    }
    const now = performance.now();
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
    this.unsent.add(key);
    this.flushTimer ??= setTimeout(() => this.flush(), this.syncMs);
    return new RateLimiterRes(count.remaining, msBeforeNext);
  }

  /** Sends what is still counted here only (at shutdown, before the connection closes). */
  close(): void {
    clearInterval(this.sweeper);
    this.flush();
  }

  /** A key not known in this window: count it in Redis and wait for the answer. */
  private async ask(key: string, count: KnownCount): Promise<RateLimiterRes> {
    // Points let through in a window that has ended since belong to no window of Redis's.
    count.pending = 0;
    this.unsent.delete(key);
    const sent = (count.sent += 1);
    let result: RateLimiterRes;
    try {
      result = await this.redis.consume(key);
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) return this.standIn(key, rejection);
      this.learn(key, count, sent, rejection);
      throw rejection;
    }
    this.learn(key, count, sent, result);
    return result;
  }

  private flush(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    const now = performance.now();
    for (const key of this.unsent) {
      const count = this.known.get(key);
      if (!count || count.pending === 0) continue;
      const points = count.pending;
      count.pending = 0;
      // Let through in a window that has ended: sent now, they would open the next one.
      if (now >= count.resetAt) continue;
      const sent = (count.sent += points);
      this.redis
        .consume(key, points)
        .then(
          (result) => this.learn(key, count, sent, result),
          (rejection: unknown) => {
            if (rejection instanceof RateLimiterRes) this.learn(key, count, sent, rejection);
            else this.failed(`rate limit counts not stored in Redis: ${describe(rejection)}`);
          },
        )
        .catch((error: unknown) =>
          this.report(`rate limit answer not applied: ${describe(error)}`),
        );
    }
    this.unsent.clear();
  }

  /** Redis failed the command while connected: the in-memory limiter answers this request. */
  private standIn(key: string, error: unknown): Promise<RateLimiterRes> {
    this.failed(`rate limits counted in memory while Redis fails: ${describe(error)}`);
    return this.memory.consume(key);
  }

  private failed(message: string): void {
    if (this.failing) return;
    this.failing = true;
    this.report(message);
  }

  /** Redis's count once it had the first `sent` points: the estimate, less what came after. */
  private learn(key: string, count: KnownCount, sent: number, result: RateLimiterRes): void {
    // Only for the entry that sent it (not one made since for the same key), not older than
    // an answer applied already, and from Redis while it is connected.
    if (this.known.get(key) !== count || sent <= count.applied || !this.redisReady()) return;
    this.failing = false;
    count.applied = sent;
    count.remaining = result.remainingPoints - (count.sent - sent) - count.pending;
    count.resetAt = performance.now() + result.msBeforeNext;
  }

  private forgetEnded(now: number): void {
    for (const [key, count] of this.known) {
      const settled = count.sent === count.applied && count.pending === 0;
      // One whose answer is on its way is kept a window longer (an answer that never comes, a
      // failed command, does not keep it for good); a late answer for a forgotten one is dropped.
      if (now >= count.resetAt + (settled ? 0 : this.windowMs)) this.known.delete(key);
    }
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** What a replica knows of a key's count in Redis. */
interface KnownCount {
  /** Points left in the window: Redis's last answer, less what was let through since. */
  remaining: number;
  /** When Redis's window for the key ends (`performance.now()` ms); 0 until Redis answered. */
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
