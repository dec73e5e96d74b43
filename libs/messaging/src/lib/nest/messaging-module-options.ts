import { type TopicSpec } from '../kafka/topic-provisioner';
import { type DataSource } from 'typeorm';

export interface MessagingModuleOptions {
  /** The service's name: the envelopes' `source`, the relay's lock name, the default group id. */
  service: string;
  brokers: string[];
  /** Prepended to every topic name (shared clusters, tests); empty in production. */
  topicPrefix?: string;
  /** The service's PostgreSQL: the outbox and inbox tables live there (MESSAGING_MIGRATIONS). */
  dataSource: DataSource;
  /** The topics this service creates at start (with their DLQs). */
  provisionTopics?: TopicSpec[];
  /** Logical topics to consume; handlers are the methods marked @HandlesMessage. */
  consume?: { topics: string[]; groupId?: string; maxAttempts?: number };
  relay?: { enabled?: boolean; pollIntervalMs?: number };
}

export const MESSAGING_OPTIONS = Symbol('shop.messaging.options');
