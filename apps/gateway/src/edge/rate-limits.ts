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

/**
 * Fixed-window limits (rate-limiter-flexible): per client address on every
 * route, stricter per address on the credential routes, and per signed-in
 * user. In memory by default (per replica); on Redis when REDIS_URL is set,
 * so replicas share them, with an in-memory limiter standing in while Redis
 * is unreachable (limits loosen, the API stays up).
 */
export class RateLimits {
  private readonly perAddress: RateLimiterAbstract;
  private readonly authPerAddress: RateLimiterAbstract;
  private readonly perUser: RateLimiterAbstract;

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
    return new RateLimits(config, redis, firstAttempt);
  }

  private constructor(
    config: GatewayConfig,
    private readonly redis: Redis | undefined,
    private readonly firstAttempt: Promise<void>,
  ) {
    const limiter = (keyPrefix: string, points: number): RateLimiterAbstract => {
      const options: IRateLimiterOptions = {
        keyPrefix,
        points,
        duration: config.RATE_LIMIT_WINDOW_SECONDS,
      };
      if (!redis) return new RateLimiterMemory(options);
      return new RateLimiterRedis({
        ...options,
        storeClient: redis,
        // While the connection is down, count in memory at once instead of waiting for Redis.
        rejectIfRedisNotReady: true,
        insuranceLimiter: new RateLimiterMemory(options),
      });
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

  /** Counts a request from an address; throws the 429 when over a limit. */
  async consumeAddress(address: string, authRoute: boolean): Promise<RateLimitState> {
    const state = await consume(this.perAddress, address);
    return authRoute ? tighter(state, await consume(this.authPerAddress, address)) : state;
  }

  async consumeUser(userId: string): Promise<RateLimitState> {
    return consume(this.perUser, userId);
  }

  async close(): Promise<void> {
    // QUIT needs a connection; without one there is nothing to flush.
    if (this.redis?.status === 'ready') await this.redis.quit();
    else this.redis?.disconnect();
  }
}

/** The state to report: the limit closest to running out. */
export function tighter(a: RateLimitState, b: RateLimitState): RateLimitState {
  return b.remaining < a.remaining ? b : a;
}

async function consume(limiter: RateLimiterAbstract, key: string): Promise<RateLimitState> {
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

function stateOf(limiter: RateLimiterAbstract, result: RateLimiterRes): RateLimitState {
  return {
    limit: limiter.points,
    remaining: Math.max(0, result.remainingPoints),
    resetSeconds: Math.max(0, Math.ceil(result.msBeforeNext / 1_000)),
  };
}
