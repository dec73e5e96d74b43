import { z } from 'zod';
import { type MessageDefinition } from '../envelope/message-definition';
import { MessageHeaders, messageEnvelopeSchema } from '../envelope/message-envelope';
import { DEAD_LETTER_REASONS, DeadLetterHeaders, REPLAYED_FROM_HEADER } from '../dead-letter';
import { MESSAGE_CATALOG } from '../message-catalog';
import { ALL_TOPICS, dlqTopicOf } from '../topics';

/** The contracts' release, bumped by hand when they are released; the committed asyncapi.json records it. */
export const CONTRACTS_VERSION = '1.0.0';

type JsonSchema = Record<string, unknown>;

function jsonSchemaOf(schema: z.ZodType): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, {
    target: 'draft-7',
  }) as JsonSchema;
  return rest;
}

function payloadOf(definition: MessageDefinition): JsonSchema {
  const envelope = jsonSchemaOf(messageEnvelopeSchema);
  const properties = envelope['properties'] as Record<string, JsonSchema>;
  return {
    ...envelope,
    properties: {
      ...properties,
      type: { type: 'string', const: definition.type },
      data: jsonSchemaOf(definition.schema),
    },
  };
}

const headers: JsonSchema = {
  type: 'object',
  properties: Object.fromEntries(
    Object.entries(MessageHeaders).map(([field, header]) => [
      header,
      { type: 'string', description: `the envelope's ${field}` },
    ]),
  ),
  required: [
    MessageHeaders.id,
    MessageHeaders.type,
    MessageHeaders.source,
    MessageHeaders.correlationId,
  ],
};

const dlqHeaders: JsonSchema = {
  type: 'object',
  description: "The original message's headers, plus why and where it failed.",
  properties: {
    [DeadLetterHeaders.reason]: { type: 'string', enum: [...DEAD_LETTER_REASONS] },
    [DeadLetterHeaders.error]: { type: 'string' },
    [DeadLetterHeaders.originalTopic]: { type: 'string' },
    [DeadLetterHeaders.originalPartition]: { type: 'string' },
    [DeadLetterHeaders.originalOffset]: { type: 'string' },
    [DeadLetterHeaders.consumerGroup]: { type: 'string' },
    [DeadLetterHeaders.attempts]: { type: 'string' },
    [DeadLetterHeaders.failedAt]: { type: 'string', format: 'date-time' },
  },
  required: [
    DeadLetterHeaders.reason,
    DeadLetterHeaders.error,
    DeadLetterHeaders.originalTopic,
    DeadLetterHeaders.originalPartition,
    DeadLetterHeaders.originalOffset,
  ],
};

function consumersOf(topic: string, definitions: MessageDefinition[]): string {
  const kinds = new Set(definitions.map((definition) => definition.kind));
  if (kinds.has('command')) return `the ${topic.split('.')[0]} service`;
  if (kinds.has('reply')) return "the order service's CreateOrder saga";
  return 'any service that subscribes';
}

/** The AsyncAPI 3.0 document of every topic and message, generated from the contracts. */
export function buildAsyncApiDocument(): Record<string, unknown> {
  const definitions = [...MESSAGE_CATALOG.values()];
  const channels: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  for (const topic of ALL_TOPICS) {
    const onTopic = definitions.filter((definition) => definition.topic === topic);
    const messages = Object.fromEntries(
      onTopic.map((definition) => [
        definition.type,
        { $ref: `#/components/messages/${definition.type}` },
      ]),
    );
    const producers = [...new Set(onTopic.map((definition) => definition.producer))].join(', ');
    channels[topic] = {
      address: topic,
      description: `Partition key: the aggregate id. Sent by: ${producers}.`,
      messages,
    };
    channels[dlqTopicOf(topic)] = {
      address: dlqTopicOf(topic),
      description:
        `Dead letters of ${topic}: the original key, value and headers, with dlq-* headers. ` +
        `A replay (tools/dlq) sends one back to ${topic} with the ${REPLAYED_FROM_HEADER} header.`,
      messages: { deadLetter: { $ref: '#/components/messages/DeadLetter' } },
    };
    const messageRefs = onTopic.map((definition) => ({
      $ref: `#/channels/${topic}/messages/${definition.type}`,
    }));
    operations[`${topic}.send`] = {
      action: 'send',
      channel: { $ref: `#/channels/${topic}` },
      summary: `Sent by ${producers}, through its transactional outbox.`,
      messages: messageRefs,
    };
    operations[`${topic}.receive`] = {
      action: 'receive',
      channel: { $ref: `#/channels/${topic}` },
      summary: `Received by ${consumersOf(topic, onTopic)}, through its idempotent inbox.`,
      messages: messageRefs,
    };
  }
  const components = {
    messages: {
      ...Object.fromEntries(
        definitions.map((definition) => [
          definition.type,
          {
            name: definition.type,
            title: definition.type,
            summary: definition.description,
            contentType: 'application/json',
            headers,
            payload: payloadOf(definition),
            bindings: {
              kafka: {
                key: { type: 'string', description: 'the aggregate id' },
                bindingVersion: '0.5.0',
              },
            },
            'x-kind': definition.kind,
            'x-producer': definition.producer,
          },
        ]),
      ),
      DeadLetter: {
        name: 'DeadLetter',
        summary: 'A message a consumer could not process, kept byte for byte.',
        headers: dlqHeaders,
        payload: { description: 'the original value, unchanged (it may be unparseable)' },
      },
    },
  };
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Shop messaging',
      version: CONTRACTS_VERSION,
      description:
        'Commands, saga replies and domain events of the shop, generated from libs/contracts ' +
        '(`npx nx run contracts:asyncapi`). Every message travels in one envelope.',
    },
    defaultContentType: 'application/json',
    channels,
    operations,
    components,
  };
}

export const renderAsyncApiDocument = (): string =>
  `${JSON.stringify(buildAsyncApiDocument(), null, 2)}\n`;
