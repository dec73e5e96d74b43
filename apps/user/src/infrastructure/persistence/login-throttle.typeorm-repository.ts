import { type EntityManager } from 'typeorm';

export interface ThrottleRule {
  /** Failures allowed in one window before the key is blocked. */
  maxFailures: number;
  windowSeconds: number;
  blockSeconds: number;
}

/** Failed-login counters in PostgreSQL, so that every replica enforces the same limits. */
export class LoginThrottleTypeormRepository {
  constructor(private readonly manager: EntityManager) {}

  /** Seconds until `key` may try again; 0 when it is not blocked. */
  async blockedFor(key: string): Promise<number> {
    const rows: { seconds: number }[] = await this.manager.query(
      `SELECT ceil(extract(epoch FROM blocked_until - now()))::int AS seconds
         FROM login_throttles WHERE key = $1 AND blocked_until > now()`,
      [key],
    );
    return rows[0]?.seconds ?? 0;
  }

  /** Counts a failure in the current window (a new window once the last one is over); blocks at the limit. */
  async recordFailure(key: string, rule: ThrottleRule): Promise<void> {
    await this.manager.query(
      `INSERT INTO login_throttles AS t (key, failures, window_started_at)
       VALUES ($1, 1, now())
       ON CONFLICT (key) DO UPDATE SET
         failures = CASE WHEN t.window_started_at < now() - make_interval(secs => $2) THEN 1 ELSE t.failures + 1 END,
         window_started_at = CASE WHEN t.window_started_at < now() - make_interval(secs => $2) THEN now() ELSE t.window_started_at END`,
      [key, rule.windowSeconds],
    );
    await this.manager.query(
      `UPDATE login_throttles SET blocked_until = now() + make_interval(secs => $3)
        WHERE key = $1 AND failures >= $2 AND (blocked_until IS NULL OR blocked_until < now())`,
      [key, rule.maxFailures, rule.blockSeconds],
    );
  }

  async clear(key: string): Promise<void> {
    await this.manager.query('DELETE FROM login_throttles WHERE key = $1', [key]);
  }
}
