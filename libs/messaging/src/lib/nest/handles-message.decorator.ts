import { SetMetadata } from '@nestjs/common';
import { type MessageDefinition } from '@shop/contracts';

export const HANDLES_MESSAGE = Symbol('shop.messaging.handles-message');

/**
 * Marks a provider method as the handler of one message type. On PostgreSQL it
 * runs inside the inbox transaction: `(message: ParsedMessage, manager:
 * EntityManager)`; whatever it writes with `manager`, including outgoing
 * messages, commits with the "processed" record. On MongoDB it gets the `Db`
 * and must be idempotent itself (the "processed" record follows its effects).
 */
export const HandlesMessage = (definition: MessageDefinition): MethodDecorator =>
  SetMetadata(HANDLES_MESSAGE, definition.type);
