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

/** Every message of the system, by type. */
export const MESSAGE_CATALOG: ReadonlyMap<string, MessageDefinition> = new Map(
  [
    stockCommands,
    stockReplies,
    productEvents,
    paymentCommands,
    paymentReplies,
    paymentEvents,
    orderEvents,
    userEvents,
  ]
    .flatMap((module) => Object.values(module).filter(isDefinition))
    .map((definition) => [definition.type, definition as MessageDefinition]),
);

export function findMessageDefinition(type: string): MessageDefinition | undefined {
  return MESSAGE_CATALOG.get(type);
}
