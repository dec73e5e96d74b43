import { type MessageContext, type MessageEnvelope } from '@shop/contracts';

/** The context for messages sent because of `envelope`: same correlation, caused by it, same trace. */
export function causedBy(envelope: MessageEnvelope, source: string): MessageContext {
  return {
    source,
    correlationId: envelope.correlationId,
    causationId: envelope.id,
    ...(envelope.traceparent ? { traceparent: envelope.traceparent } : {}),
  };
}
