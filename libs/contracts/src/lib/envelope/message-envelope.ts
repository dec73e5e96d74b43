import { z } from 'zod';

/** `<service>.<Name>.v<version>`, e.g. `catalog.ReserveStock.v1`. */
export const MESSAGE_TYPE_PATTERN = /^[a-z]+\.[A-Z][A-Za-z]*\.v[1-9][0-9]*$/;
const TRACEPARENT_PATTERN = /^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;

/**
 * The one envelope every message travels in. `data` is checked separately,
 * against the schema of the message's `type`.
 */
export const messageEnvelopeSchema = z
  .object({
    id: z.uuid({ version: 'v7' }),
    type: z
      .string()
      .regex(MESSAGE_TYPE_PATTERN, 'a versioned type such as catalog.ReserveStock.v1'),
    source: z.string().min(1),
    time: z.iso.datetime(),
    correlationId: z.string().min(1),
    /** The id of the message that caused this one; null for a message started by a request. */
    causationId: z.string().min(1).nullable(),
    traceparent: z.string().regex(TRACEPARENT_PATTERN, 'a W3C traceparent').optional(),
    data: z.unknown(),
  })
  .strict();

export type MessageEnvelope<TData = unknown> = Omit<
  z.infer<typeof messageEnvelopeSchema>,
  'data'
> & { data: TData };

/** The envelope's ids, repeated in Kafka headers so brokers' tools can see them. */
export const MessageHeaders = {
  id: 'message-id',
  type: 'message-type',
  source: 'message-source',
  correlationId: 'correlation-id',
  causationId: 'causation-id',
  traceparent: 'traceparent',
} as const;

export function headersOf(envelope: MessageEnvelope): Record<string, string> {
  const headers: Record<string, string> = {
    [MessageHeaders.id]: envelope.id,
    [MessageHeaders.type]: envelope.type,
    [MessageHeaders.source]: envelope.source,
    [MessageHeaders.correlationId]: envelope.correlationId,
  };
  if (envelope.causationId) headers[MessageHeaders.causationId] = envelope.causationId;
  if (envelope.traceparent) headers[MessageHeaders.traceparent] = envelope.traceparent;
  return headers;
}
