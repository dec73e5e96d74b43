import { type z } from 'zod';
import { type Topic } from '../topics';
import { MESSAGE_TYPE_PATTERN } from './message-envelope';

export type MessageKind = 'command' | 'reply' | 'event';
export type ServiceName = 'user' | 'catalog' | 'order' | 'payment';

export interface MessageDefinition<TType extends string = string, TData = unknown> {
  type: TType;
  kind: MessageKind;
  topic: Topic;
  /** Which service sends it. */
  producer: ServiceName;
  description: string;
  schema: z.ZodType<TData>;
  /**
   * The aggregate id: the Kafka partition key that keeps its messages in order.
   * (Method syntax on purpose: it keeps any definition assignable to MessageDefinition<string, unknown>.)
   */
  key(data: NoInfer<TData>): string;
}

export type DataOf<TDefinition> =
  TDefinition extends MessageDefinition<string, infer TData> ? TData : never;

export function defineMessage<TType extends string, TData>(
  definition: MessageDefinition<TType, TData>,
): MessageDefinition<TType, TData> {
  if (!MESSAGE_TYPE_PATTERN.test(definition.type)) {
    throw new Error(`message type ${definition.type} is not <service>.<Name>.v<version>`);
  }
  // A command belongs to the service that handles it; a reply or an event to the one that sends it.
  const owner =
    definition.kind === 'command' ? definition.topic.split('.')[0] : definition.producer;
  if (!definition.type.startsWith(`${owner}.`)) {
    throw new Error(`message type ${definition.type} must start with its owner ${owner}`);
  }
  return definition;
}
