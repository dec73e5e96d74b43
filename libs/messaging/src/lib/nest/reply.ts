import { type MessageDefinition } from '@shop/contracts';

const REPLY = Symbol('shop.messaging.reply');

/** What a participant's command handler returns: the reply the transport sends for it. */
export interface Reply<TData = unknown> {
  readonly [REPLY]: true;
  readonly definition: MessageDefinition<string, TData>;
  readonly data: TData;
}

/** The answer to the command in hand; its data is checked against the contract when it is sent. */
export function reply<TData>(
  definition: MessageDefinition<string, TData>,
  data: NoInfer<TData>,
): Reply<TData> {
  if (definition.kind !== 'reply') {
    throw new Error(`${definition.type} is a ${definition.kind}, not a reply`);
  }
  return { [REPLY]: true, definition, data };
}

export function isReply(value: unknown): value is Reply {
  return typeof value === 'object' && value !== null && REPLY in value;
}
