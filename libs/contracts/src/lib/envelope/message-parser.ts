import { z } from 'zod';
import { findMessageDefinition } from '../message-catalog';
import { ContractViolationError } from './contract-violation.error';
import { type MessageDefinition } from './message-definition';
import { type MessageEnvelope, messageEnvelopeSchema } from './message-envelope';

export interface ParsedMessage {
  envelope: MessageEnvelope;
  definition: MessageDefinition;
}

/**
 * Reads a message as it arrives from Kafka and checks it against its contract.
 * Throws ContractViolationError (never retriable) when it cannot be trusted.
 */
export function parseMessage(value: Buffer | string | null | undefined): ParsedMessage {
  if (value === null || value === undefined || value.length === 0) {
    throw new ContractViolationError('unparseable', 'the message has no value');
  }
  let json: unknown;
  try {
    json = JSON.parse(value.toString());
  } catch (error) {
    throw new ContractViolationError('unparseable', `not JSON: ${(error as Error).message}`);
  }
  const envelope = messageEnvelopeSchema.safeParse(json);
  if (!envelope.success) {
    throw new ContractViolationError('invalid-envelope', z.prettifyError(envelope.error));
  }
  const definition = findMessageDefinition(envelope.data.type);
  if (!definition) {
    throw new ContractViolationError('unknown-type', `no contract for type ${envelope.data.type}`);
  }
  const data = definition.schema.safeParse(envelope.data.data);
  if (!data.success) {
    throw new ContractViolationError(
      'invalid-data',
      `${definition.type}: ${z.prettifyError(data.error)}`,
    );
  }
  return { envelope: { ...envelope.data, data: data.data }, definition };
}
