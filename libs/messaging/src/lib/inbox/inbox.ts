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
}
