import { type MessageEnvelope } from '@shop/contracts';

export type InboxOutcome = 'processed' | 'duplicate';

/**
 * Idempotent consumption: `work` runs at most once per (consumer, message id),
 * and its effects commit together with the record that the message was processed.
 */
export interface Inbox<TTransaction> {
  process(
    consumer: string,
    envelope: MessageEnvelope,
    work: (transaction: TTransaction) => Promise<void>,
  ): Promise<InboxOutcome>;
  /**
   * After a handler failed: does the store answer? False means the failure
   * was the store's outage, waited out like the inbox's own, not counted
   * toward the handler's attempts. For inboxes whose own first round trip
   * comes after the handler's (MongoInbox): an outage would otherwise reach
   * the consumer as the handler's failure and dead-letter the message.
   */
  answers?(): Promise<boolean>;
}
