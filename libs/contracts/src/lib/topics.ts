/**
 * Kafka topics of the system. Commands go to the participant's `<service>.commands`,
 * every saga reply to `order.saga-replies`, domain events to `<service>.events`;
 * each has a dead-letter topic `<topic>.dlq`. The partition key is always the
 * aggregate id, so one order's (or product's) messages stay in order.
 */
export const Topics = {
  catalogCommands: 'catalog.commands',
  paymentCommands: 'payment.commands',
  orderSagaReplies: 'order.saga-replies',
  userEvents: 'user.events',
  catalogEvents: 'catalog.events',
  orderEvents: 'order.events',
  paymentEvents: 'payment.events',
} as const;

export type Topic = (typeof Topics)[keyof typeof Topics];

export const DLQ_SUFFIX = '.dlq';

export function dlqTopicOf(topic: string): string {
  return `${topic}${DLQ_SUFFIX}`;
}

export const ALL_TOPICS: readonly Topic[] = Object.values(Topics);
