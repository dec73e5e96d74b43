/** A row of the outbox, as the relay reads it. */
export interface OutboxRecord {
  sequence: string;
  id: string;
  topic: string;
  partitionKey: string;
  type: string;
  headers: Record<string, string>;
  payload: unknown;
  attempts: number;
}

/** What the relay needs from wherever a service keeps its outbox. */
export interface OutboxStore {
  /** Tries to become the one active relay; true while this instance holds it. */
  tryAcquireLeadership(): Promise<boolean>;
  /**
   * Called before every batch: confirms a held leadership is still alive (or
   * renews it), else tries to acquire it. False: stand by.
   */
  holdLeadership(): Promise<boolean>;
  isLeader(): boolean;
  fetchUnsent(limit: number): Promise<OutboxRecord[]>;
  markSent(ids: string[]): Promise<void>;
  recordFailure(ids: string[], error: string): Promise<void>;
  /** Resolves when new messages were committed, or after `timeoutMs` (the polling fallback). */
  waitForWork(timeoutMs: number): Promise<void>;
  /** Ends a pending waitForWork at once (the relay is stopping). */
  interruptWait(): void;
  purgeSentBefore(cutoff: Date): Promise<number>;
  close(): Promise<void>;
}
