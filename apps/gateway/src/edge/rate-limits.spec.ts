import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { SharedLimiter } from './rate-limits';

/**
 * The paths of SharedLimiter a real Redis does not take on demand (the spec
 * on a real Redis is test/shared-rate-limits.spec.ts): a Redis that is
 * connected but fails every command, as it does when out of memory.
 */
describe('SharedLimiter when Redis fails its commands while connected', () => {
  class FailingRedisLimiter extends RateLimiterMemory {
    calls = 0;
    override consume(): Promise<RateLimiterRes> {
      this.calls += 1;
      return Promise.reject(new Error("OOM command not allowed when used memory > 'maxmemory'"));
    }
  }

  it('answers from the in-memory limiter, and says so once rather than on every request', async () => {
    const redis = new FailingRedisLimiter({ points: 3, duration: 60 });
    const memory = new RateLimiterMemory({ points: 3, duration: 60 });
    const reports: string[] = [];
    const limiter = new SharedLimiter(
      redis,
      memory,
      () => true,
      60_000,
      10,
      (message) => reports.push(message),
    );
    try {
      const answers = [];
      for (let request = 0; request < 3; request += 1) answers.push(await limiter.consume('ada'));
      const refused = await limiter.consume('ada').catch((rejection: unknown) => rejection);

      expect(answers.map((answer) => answer.remainingPoints)).toEqual([2, 1, 0]);
      expect(refused).toBeInstanceOf(RateLimiterRes);
      expect(redis.calls).toBe(4);
      expect(reports).toEqual([
        "rate limits counted in memory while Redis fails: OOM command not allowed when used memory > 'maxmemory'",
      ]);
    } finally {
      limiter.close();
    }
  });
});
