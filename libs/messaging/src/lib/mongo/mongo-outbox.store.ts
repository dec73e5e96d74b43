import { randomUUID } from 'node:crypto';
import { type Db, MongoServerError } from 'mongodb';
import { type OutboxRecord, type OutboxStore } from '../outbox/outbox-record';
import { WorkSignal } from '../outbox/work-signal';
import {
  type MongoOutboxDocument,
  type MongoOutboxWriter,
  OUTBOX_COLLECTION,
} from './mongo-outbox.writer';

const LEASES_COLLECTION = 'outbox_leases';

interface LeaseDocument {
  _id: string;
  owner: string;
  expiresAt: Date;
}

/**
 * The outbox store on MongoDB. Leadership is a lease document renewed by the
 * active relay; a standby takes it when it expires. On real MongoDB the
 * conditional update is atomic; FerretDB v1 applies updates outside the
 * database, so two relays racing for an expired lease may both win briefly:
 * consumers' inboxes absorb the duplicates (see README). Messages are read in
 * the order they were first written (`createdAt`, then `_id`).
 */
export class MongoOutboxStore implements OutboxStore {
  private readonly owner = randomUUID();
  private leaseUntil = 0;
  private readonly work = new WorkSignal();

  constructor(
    private readonly db: Db,
    private readonly options: { relayName: string; leaseMs?: number; writer?: MongoOutboxWriter },
  ) {
    options.writer?.written.on('written', () => {
      this.work.notify();
    });
  }

  static async ensureIndexes(db: Db): Promise<void> {
    const outbox = db.collection<MongoOutboxDocument>(OUTBOX_COLLECTION);
    await outbox.createIndex({ pending: 1, createdAt: 1, _id: 1 });
    // Messages written before the `pending` flag existed and not sent yet: flag them.
    await outbox.updateMany(
      { sentAt: null, pending: { $exists: false } },
      { $set: { pending: true } },
    );
  }

  private get leaseMs(): number {
    return this.options.leaseMs ?? 15_000;
  }

  isLeader(): boolean {
    return Date.now() < this.leaseUntil;
  }

  async tryAcquireLeadership(): Promise<boolean> {
    const now = new Date();
    const leases = this.db.collection<LeaseDocument>(LEASES_COLLECTION);
    try {
      const result = await leases.findOneAndUpdate(
        { _id: this.options.relayName, $or: [{ owner: this.owner }, { expiresAt: { $lt: now } }] },
        { $set: { owner: this.owner, expiresAt: new Date(now.getTime() + this.leaseMs) } },
        { upsert: true, returnDocument: 'after' },
      );
      const held = result?.owner === this.owner;
      this.leaseUntil = held ? now.getTime() + this.leaseMs : 0;
      return held;
    } catch (error) {
      // Another relay holds a live lease: the upsert collided with its document.
      if (error instanceof MongoServerError && error.code === 11000) {
        this.leaseUntil = 0;
        return false;
      }
      throw error;
    }
  }

  /** Renews at half the lease, so a live leader never lets it lapse (nor reports losing it). */
  async holdLeadership(): Promise<boolean> {
    return Date.now() < this.leaseUntil - this.leaseMs / 2 || this.tryAcquireLeadership();
  }

  async fetchUnsent(limit: number): Promise<OutboxRecord[]> {
    const documents = await this.db
      .collection<MongoOutboxDocument>(OUTBOX_COLLECTION)
      // By the flag, not `sentAt: null`, which FerretDB would evaluate itself over every
      // message kept (see MongoOutboxDocument.pending).
      .find({ pending: true })
      // First written, first sent: a deterministic id says nothing about when it was written.
      .sort({ createdAt: 1, _id: 1 })
      .limit(limit)
      .toArray();
    return documents.map((document) => ({
      sequence: document._id,
      id: document._id,
      topic: document.topic,
      partitionKey: document.partitionKey,
      type: document.type,
      headers: document.headers,
      payload: document.payload,
      attempts: document.attempts,
    }));
  }

  async markSent(ids: string[]): Promise<void> {
    await this.db
      .collection<MongoOutboxDocument>(OUTBOX_COLLECTION)
      .updateMany({ _id: { $in: ids } }, { $set: { pending: false, sentAt: new Date() } });
  }

  async recordFailure(ids: string[], error: string): Promise<void> {
    await this.db
      .collection<MongoOutboxDocument>(OUTBOX_COLLECTION)
      .updateMany(
        { _id: { $in: ids } },
        { $inc: { attempts: 1 }, $set: { lastError: error.slice(0, 2_000) } },
      );
  }

  waitForWork(timeoutMs: number): Promise<void> {
    return this.work.wait(timeoutMs);
  }

  interruptWait(): void {
    this.work.interrupt();
  }

  async purgeSentBefore(cutoff: Date): Promise<number> {
    const result = await this.db
      .collection<MongoOutboxDocument>(OUTBOX_COLLECTION)
      .deleteMany({ sentAt: { $lt: cutoff } });
    return result.deletedCount;
  }

  async close(): Promise<void> {
    this.work.interrupt();
    if (this.leaseUntil > Date.now()) {
      await this.db
        .collection<LeaseDocument>(LEASES_COLLECTION)
        .deleteOne({ _id: this.options.relayName, owner: this.owner });
    }
    this.leaseUntil = 0;
  }
}
