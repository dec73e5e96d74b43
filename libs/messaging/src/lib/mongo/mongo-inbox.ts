import { type MessageEnvelope } from '@shop/contracts';
import { type Db, MongoServerError } from 'mongodb';
import { type Inbox, type InboxOutcome } from '../inbox/inbox';

const INBOX_COLLECTION = 'inbox_messages';

/**
 * The inbox for a service on MongoDB without multi-document transactions. The
 * "processed" record is written after the handler succeeded, so it cannot be
 * atomic with the handler's effects: handlers must themselves be idempotent
 * (single-document updates that carry the message's key, outgoing messages
 * with deterministic ids). The record then only spares a redelivered message
 * the work; a crash between effect and record re-runs a handler that converges.
 */
export class MongoInbox implements Inbox<Db> {
  constructor(private readonly db: Db) {}

  async process(
    consumer: string,
    envelope: MessageEnvelope,
    work: (db: Db) => Promise<void>,
  ): Promise<InboxOutcome> {
    const inbox = this.db.collection<{ _id: string; type: string; processedAt: Date }>(
      INBOX_COLLECTION,
    );
    const _id = `${consumer}:${envelope.id}`;
    if (await inbox.findOne({ _id })) return 'duplicate';
    await work(this.db);
    try {
      await inbox.insertOne({ _id, type: envelope.type, processedAt: new Date() });
    } catch (error) {
      // A concurrent delivery recorded it first; the idempotent handler made that harmless.
      if (!(error instanceof MongoServerError && error.code === 11000)) throw error;
    }
    return 'processed';
  }
}
