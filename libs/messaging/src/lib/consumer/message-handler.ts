import { type MessageEnvelope, type ParsedMessage } from '@shop/contracts';

/** Handles one message inside the inbox transaction `TTransaction` (e.g. an EntityManager). */
export type MessageHandler<TTransaction> = (
  message: ParsedMessage,
  transaction: TTransaction,
) => Promise<void>;

/** The context for messages sent because of `envelope`: same correlation, caused by it, same trace. */
export function causedBy(envelope: MessageEnvelope, source: string) {
  return {
    source,
    correlationId: envelope.correlationId,
    causationId: envelope.id,
    ...(envelope.traceparent ? { traceparent: envelope.traceparent } : {}),
  };
}
