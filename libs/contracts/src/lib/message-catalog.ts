import * as productEvents from './catalog/product.events';
import * as stockCommands from './catalog/stock.commands';
import * as stockReplies from './catalog/stock.replies';
import { type MessageDefinition } from './envelope/message-definition';
import * as orderEvents from './order/order.events';
import * as paymentCommands from './payment/payment.commands';
import * as paymentEvents from './payment/payment.events';
import * as paymentReplies from './payment/payment.replies';
import * as userEvents from './user/user.events';

const isDefinition = (value: unknown): value is MessageDefinition =>
  typeof value === 'object' &&
  value !== null &&
  'type' in value &&
  'schema' in value &&
  'key' in value;

function byType(definitions: MessageDefinition[]): Map<string, MessageDefinition> {
  const catalog = new Map<string, MessageDefinition>();
  for (const definition of definitions) {
    if (catalog.has(definition.type))
      throw new Error(`message type ${definition.type} is defined twice`);
    catalog.set(definition.type, definition);
  }
  return catalog;
}

/** Every message of the system, by type. */
export const MESSAGE_CATALOG: ReadonlyMap<string, MessageDefinition> = byType(
  [
    stockCommands,
    stockReplies,
    productEvents,
    paymentCommands,
    paymentReplies,
    paymentEvents,
    orderEvents,
    userEvents,
  ].flatMap((module) => Object.values(module).filter(isDefinition)),
);

export function findMessageDefinition(type: string): MessageDefinition | undefined {
  return MESSAGE_CATALOG.get(type);
}
