export { type BackoffPolicy, backoffDelay } from './lib/backoff';
export { type MessagingLogger, jsonLineLogger } from './lib/messaging-logger';
export { TopicNames } from './lib/kafka/topic-names';
export {
  type TopicProvisioning,
  type TopicSpec,
  provisionTopics,
  waitForTopicLeaders,
} from './lib/kafka/topic-provisioner';
export {
  CreateMessagingTables1764201600100,
  MESSAGING_MIGRATIONS,
} from './lib/outbox/create-messaging-tables.migration';
export { type OutboxRecord, type OutboxStore } from './lib/outbox/outbox-record';
export { OUTBOX_CHANNEL, PostgresOutboxStore } from './lib/outbox/postgres-outbox.store';
export {
  OutboxRelay,
  type OutboxRelayOptions,
  type OutboxRelayStatus,
} from './lib/outbox/outbox-relay';
export { TypeormOutboxWriter } from './lib/outbox/typeorm-outbox.writer';
export { type Inbox, type InboxOutcome } from './lib/inbox/inbox';
export { TypeormInbox } from './lib/inbox/typeorm-inbox';
export { type MessageHandler } from './lib/consumer/message-handler';
export { causedBy } from './lib/consumer/caused-by';
export { NonRetriableError } from './lib/consumer/non-retriable.error';
export { ConsumerRunner, type ConsumerRunnerOptions } from './lib/consumer/consumer-runner';
export { type MessageOutcome } from './lib/consumer/message-outcome';
export { DeadLetterPublisher } from './lib/dead-letter/dead-letter.publisher';
export { DeadLetterQueue, type StoredDeadLetter } from './lib/dead-letter/dead-letter.queue';
export { OnCommand, OnMessage, type RefusalMapper } from './lib/nest/message-handler.decorators';
export { type CausedMessageSender, InboxContext } from './lib/nest/inbox-context';
export { isReply, reply, type Reply } from './lib/nest/reply';
export { type ConsumerState, MessagingTransport } from './lib/nest/messaging.transport';
export { connectMessaging } from './lib/nest/connect-messaging';
export { MessagePublisher } from './lib/nest/message-publisher';
export { MongoMessagePublisher } from './lib/nest/mongo-message-publisher';
export { MessagingHealth } from './lib/nest/messaging-health';
export { ConsumerMetrics } from './lib/observability/messaging-metrics';
export { withActiveTrace } from './lib/observability/message-tracing';
export { MessagingModule, type MessagingModuleAsyncOptions } from './lib/nest/messaging.module';
export { type MessagingModuleOptions } from './lib/nest/messaging-module-options';
export { deterministicMessageId } from './lib/mongo/deterministic-message-id';
export { MongoInbox } from './lib/mongo/mongo-inbox';
export { MongoOutboxStore } from './lib/mongo/mongo-outbox.store';
export {
  type MongoOutboxDocument,
  MongoOutboxWriter,
  OUTBOX_COLLECTION,
} from './lib/mongo/mongo-outbox.writer';
