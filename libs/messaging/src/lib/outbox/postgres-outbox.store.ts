import { Client, Pool } from 'pg';
import { type MessagingLogger } from '../messaging-logger';
import { type OutboxRecord, type OutboxStore } from './outbox-record';
import { WorkSignal } from './work-signal';

export const OUTBOX_CHANNEL = 'outbox_messages';

/**
 * How long the leader's session may go unproven. Well under what the server
 * takes to drop a silent session and free its lock for a standby (keepalive
 * 10 s + 3 × 5 s), so a relay whose session went half-open stalls on its next
 * proof before another can lead.
 */
const PROVE_SESSION_EVERY_MS = 5_000;

interface OutboxRow {
  sequence: string;
  id: string;
  topic: string;
  partition_key: string;
  type: string;
  headers: Record<string, string>;
  payload: unknown;
  attempts: number;
}

/**
 * The outbox in the service's PostgreSQL. Leadership is a session-level
 * advisory lock held on a dedicated connection: exactly one relay per service
 * publishes, so messages leave in `sequence` order even with several replicas;
 * if that connection dies, the lock is released and a standby takes over. The
 * same connection LISTENs for the writer's NOTIFY.
 */
export class PostgresOutboxStore implements OutboxStore {
  private readonly pool: Pool;
  private session: Client | undefined;
  private leader = false;
  private provenAt = 0;
  private closed = false;
  private loseSession: ((why: string) => void) | undefined;
  private readonly work = new WorkSignal();

  constructor(
    private readonly options: {
      connectionString: string;
      relayName: string;
      logger: MessagingLogger;
    },
  ) {
    this.pool = new Pool({ connectionString: options.connectionString, max: 2 });
    this.pool.on('error', (error) =>
      options.logger.warn('outbox pool connection failed', { error: error.message }),
    );
  }

  isLeader(): boolean {
    return this.leader;
  }

  async tryAcquireLeadership(): Promise<boolean> {
    if (this.leader) return true;
    const session = await this.openSession();
    const result = await session.query<{ acquired: boolean }>(
      'SELECT pg_try_advisory_lock(hashtext($1)) AS acquired',
      [`outbox-relay:${this.options.relayName}`],
    );
    this.leader = result.rows[0]?.acquired === true;
    this.provenAt = Date.now();
    return this.leader;
  }

  async holdLeadership(): Promise<boolean> {
    if (!this.leader) return this.tryAcquireLeadership();
    // A half-open connection never reports `end`: prove the session (and its lock) alive,
    // unless it did so lately (a query answered, a NOTIFY received).
    if (Date.now() - this.provenAt < PROVE_SESSION_EVERY_MS) return true;
    const session = this.session;
    try {
      await session?.query('SELECT 1');
      this.provenAt = Date.now();
    } catch (error) {
      this.loseSession?.((error as Error).message);
    }
    return this.leader && this.session === session;
  }

  async fetchUnsent(limit: number): Promise<OutboxRecord[]> {
    const result = await this.pool.query<OutboxRow>(
      `SELECT sequence, id, topic, partition_key, type, headers, payload, attempts
         FROM outbox_messages WHERE sent_at IS NULL ORDER BY sequence LIMIT $1`,
      [limit],
    );
    return result.rows.map((row) => ({
      sequence: row.sequence,
      id: row.id,
      topic: row.topic,
      partitionKey: row.partition_key,
      type: row.type,
      headers: row.headers,
      payload: row.payload,
      attempts: row.attempts,
    }));
  }

  async markSent(ids: string[]): Promise<void> {
    await this.pool.query('UPDATE outbox_messages SET sent_at = now() WHERE id = ANY($1::uuid[])', [
      ids,
    ]);
  }

  async recordFailure(ids: string[], error: string): Promise<void> {
    await this.pool.query(
      'UPDATE outbox_messages SET attempts = attempts + 1, last_error = $2 WHERE id = ANY($1::uuid[])',
      [ids, error.slice(0, 2_000)],
    );
  }

  waitForWork(timeoutMs: number): Promise<void> {
    return this.work.wait(timeoutMs);
  }

  interruptWait(): void {
    this.work.interrupt();
  }

  async purgeSentBefore(cutoff: Date): Promise<number> {
    const result = await this.pool.query('DELETE FROM outbox_messages WHERE sent_at < $1', [
      cutoff,
    ]);
    return result.rowCount ?? 0;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.work.interrupt();
    const session = this.session;
    this.session = undefined;
    this.leader = false;
    // Ending the session releases the advisory lock.
    if (session) await session.end();
    await this.pool.end();
  }

  private async openSession(): Promise<Client> {
    if (this.session) return this.session;
    const session = new Client({
      connectionString: this.options.connectionString,
      keepAlive: true,
      // The server, too, must notice a vanished relay soon and release its lock
      // (otherwise the OS keepalive: about two hours without a standby taking over).
      options: '-c tcp_keepalives_idle=10 -c tcp_keepalives_interval=5 -c tcp_keepalives_count=3',
    });
    const lose = (why: string): void => {
      if (this.session !== session) return;
      this.session = undefined;
      if (this.leader) this.options.logger.warn('outbox relay lost leadership', { reason: why });
      this.leader = false;
      this.work.interrupt();
      session.end().catch((error: Error) =>
        this.options.logger.warn('outbox relay could not close its failed session', {
          error: error.message,
        }),
      );
    };
    this.loseSession = lose;
    session.on('error', (error) => lose(error.message));
    session.on('end', () => lose('session ended'));
    session.on('notification', () => {
      if (this.session === session) this.provenAt = Date.now();
      this.work.notify();
    });
    await session.connect();
    // Listening as a standby is harmless, and a leader is never without its wake-up.
    await session.query(`LISTEN ${OUTBOX_CHANNEL}`);
    this.session = session;
    return session;
  }
}
