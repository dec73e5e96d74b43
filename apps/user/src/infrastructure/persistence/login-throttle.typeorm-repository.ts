import { type EntityManager } from 'typeorm';

/**
 * How one kind of subject is slowed down: from the `waitFrom`-th attempt in a
 * window on, each attempt makes the subject wait before the next one;
 * `firstWaitSeconds` first, doubling with every further attempt, up to
 * `maxWaitSeconds`. A window starts with the subject's first attempt and
 * ends `windowSeconds` later (never while the subject waits).
 */
export interface ThrottleRule {
  waitFrom: number;
  firstWaitSeconds: number;
  maxWaitSeconds: number;
  windowSeconds: number;
}

export type AttemptClaim = { granted: true } | { granted: false; retryAfterSeconds: number };

/**
 * Login attempt counters in PostgreSQL, so that every replica enforces the
 * same limits. An attempt is counted when it is claimed, before the password
 * is checked, in one statement: concurrent attempts each see the count the
 * one before left (the row lock orders them), so a burst cannot slip past
 * the limit between a check and a count.
 */
export class LoginThrottleTypeormRepository {
  constructor(private readonly manager: EntityManager) {}

  /** Counts an attempt for `key`, unless it must still wait: then how long. */
  async claim(key: string, rule: ThrottleRule): Promise<AttemptClaim> {
    const windowOver = 't.window_started_at <= now() - make_interval(secs => $2)';
    const attempts = `(CASE WHEN ${windowOver} THEN 1 ELSE t.failures + 1 END)`;
    const waitUntil = (count: string) =>
      `CASE WHEN ${count} < $3 THEN NULL
            ELSE now() + make_interval(secs => least($4 * power(2, ${count} - $3), $5)) END`;
    const claimed: unknown[] = await this.manager.query(
      `INSERT INTO login_throttles AS t (key, failures, window_started_at, blocked_until)
       VALUES ($1, 1, now(), ${waitUntil('1')})
       ON CONFLICT (key) DO UPDATE SET
         failures = ${attempts},
         window_started_at = CASE WHEN ${windowOver} THEN now() ELSE t.window_started_at END,
         blocked_until = ${waitUntil(attempts)}
       WHERE t.blocked_until IS NULL OR t.blocked_until <= now()
       RETURNING 1`,
      [key, rule.windowSeconds, rule.waitFrom, rule.firstWaitSeconds, rule.maxWaitSeconds],
    );
    if (claimed.length > 0) return { granted: true };
    const rows: { seconds: number }[] = await this.manager.query(
      `SELECT greatest(ceil(extract(epoch FROM blocked_until - now())), 1)::int AS seconds
         FROM login_throttles WHERE key = $1`,
      [key],
    );
    return { granted: false, retryAfterSeconds: rows[0]?.seconds ?? 1 };
  }

  /** Takes back one claimed attempt that succeeded (the wait it set goes with it, below the rule's start). */
  async release(key: string, rule: ThrottleRule): Promise<void> {
    await this.manager.query(
      `UPDATE login_throttles SET
         failures = greatest(failures - 1, 0),
         blocked_until = CASE WHEN failures - 1 < $2 THEN NULL ELSE blocked_until END
       WHERE key = $1`,
      [key, rule.waitFrom],
    );
  }

  async clear(key: string): Promise<void> {
    await this.manager.query('DELETE FROM login_throttles WHERE key = $1', [key]);
  }
}
