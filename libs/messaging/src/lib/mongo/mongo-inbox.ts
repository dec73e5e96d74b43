import { type MessageEnvelope } from '@shop/contracts';
import { type Db, MongoServerError } from 'mongodb';
import { type Inbox, type InboxOutcome } from '../inbox/inbox';

const INBOX_COLLECTION = 'inbox_messages';
const DUPLICATE_KEY = 11000;
/** How long `answers()` waits for a ping: well under a consumer's session timeout. */
const PING_TIMEOUT_MS = 2_000;

/**
 * The inbox for a service on MongoDB without multi-document transactions. The
 * "processed" record cannot be atomic with the handler's effects, so handlers
 * must themselves be idempotent (single-document updates that carry the
 * message's key, outgoing messages with deterministic ids): a crash between
 * effect and record re-runs a handler that converges.
 *
 * Given that, the record is not read before the handler: it is written after,
 * and a record already there tells a redelivery apart (outcome `duplicate`)
 * once the idempotent handler has made it harmless. A read first would spare a
 * redelivered message its work at the price of one more round trip for every
 * message, and redeliveries are rare (a rebalance, a crash before the offset
 * commit). Having no read first, the inbox makes no round trip before the
 * handler: `answers()` tells the consumer whether a failed handler met a
 * database outage (waited out) or failed itself (retried, then dead-lettered).
 */
export class MongoInbox implements Inbox<Db> {
  constructor(private readonly db: Db) {}

  async answers(): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), PING_TIMEOUT_MS);
    });
    const ping = this.db.command({ ping: 1 }).then(
      () => true,
      () => false,
    );
    try {
      return await Promise.race([ping, timedOut]);
    } finally {
      clearTimeout(timer);
    }
  }

  async process(
    consumer: string,
    envelope: MessageEnvelope,
    work: (db: Db) => Promise<void>,
  ): Promise<InboxOutcome> {
    const inbox = this.db.collection<{ _id: string; type: string; processedAt: Date }>(
      INBOX_COLLECTION,
    );
    await work(this.db);
    try {
      await inbox.insertOne({
        _id: `${consumer}:${envelope.id}`,
        type: envelope.type,
        processedAt: new Date(),
      });
    } catch (error) {
      // Handled before (or by a concurrent delivery): the idempotent handler changed nothing.
      if (error instanceof MongoServerError && error.code === DUPLICATE_KEY) return 'duplicate';
      throw error;
    }
    return 'processed';
  }
}
