import { v7 as uuidv7 } from 'uuid';
import { z } from 'zod';
import { type Topic } from '../topics';
import { ContractViolationError } from './contract-violation.error';
import { type MessageDefinition } from './message-definition';
import { type MessageEnvelope, messageEnvelopeSchema } from './message-envelope';

export interface MessageContext {
  source: string;
  correlationId: string;
  causationId?: string | null;
  traceparent?: string;
  /** A chosen id (e.g. deterministic, for stores without transactions); a fresh UUIDv7 otherwise. */
  id?: string;
  time?: Date;
}

/** A message ready for the outbox: its envelope, topic and partition key. */
export interface OutgoingMessage<TData = unknown> {
  topic: Topic;
  key: string;
  envelope: MessageEnvelope<TData>;
}

/** Builds a message and checks it against its contract: nothing invalid is ever sent. */
export function createMessage<TType extends string, TData>(
  definition: MessageDefinition<TType, TData>,
  data: NoInfer<TData>,
  context: MessageContext,
): OutgoingMessage<TData> {
  const checked = definition.schema.safeParse(data);
  if (!checked.success) {
    throw new ContractViolationError(
      'invalid-data',
      `${definition.type}: ${z.prettifyError(checked.error)}`,
    );
  }
  const envelope: MessageEnvelope<TData> = {
    id: context.id ?? uuidv7(),
    type: definition.type,
    source: context.source,
    time: (context.time ?? new Date()).toISOString(),
    correlationId: context.correlationId,
    causationId: context.causationId ?? null,
    ...(context.traceparent ? { traceparent: context.traceparent } : {}),
    data: checked.data,
  };
  const envelopeCheck = messageEnvelopeSchema.safeParse(envelope);
  if (!envelopeCheck.success) {
    throw new ContractViolationError('invalid-envelope', z.prettifyError(envelopeCheck.error));
  }
  return { topic: definition.topic, key: definition.key(checked.data), envelope };
}
