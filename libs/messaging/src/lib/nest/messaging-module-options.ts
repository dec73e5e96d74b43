import { type Db } from 'mongodb';
import { type DataSource } from 'typeorm';
import { type TopicSpec } from '../kafka/topic-provisioner';

interface CommonMessagingOptions {
  /** The service's name: the envelopes' `source`, the relay's lock name, the default group id. */
  service: string;
  brokers: string[];
  /** Prepended to every topic name and to the consumer group (shared clusters, tests); empty in production. */
  topicPrefix?: string;
  /** The topics this service creates at start (with their DLQs). */
  provisionTopics?: TopicSpec[];
  /** Logical topics to consume; handlers are the methods marked @OnMessage / @OnCommand. */
  consume?: {
    topics: string[];
    groupId?: string;
    maxAttempts?: number;
    /**
     * How long the broker waits for a silent member before giving its
     * partitions to another (default 30 s). A replica killed without a goodbye
     * holds its partitions this long: shorter recovers faster, but must stay
     * above the longest pause between heartbeats (a slow handler).
     */
    sessionTimeoutMs?: number;
    /** Partitions handled at once, each in order (default 1); see ConsumerRunnerOptions. */
    partitionsConcurrently?: number;
    /** Messages of different keys in one partition handled at once (default 1); see ConsumerRunnerOptions. */
    messagesConcurrently?: number;
  };
  relay?: { enabled?: boolean; pollIntervalMs?: number };
}

/**
 * Where the outbox and the inbox live: exactly one of
 * - `dataSource`: the service's PostgreSQL (MESSAGING_MIGRATIONS among its
 *   migrations); handlers get the inbox transaction's EntityManager and send
 *   with MessagePublisher;
 * - `mongo.db`: the service's MongoDB database (no multi-document
 *   transactions); handlers get the Db, must be idempotent themselves, and
 *   send with MongoMessagePublisher (deterministic ids for replies).
 */
export type MessagingModuleOptions = CommonMessagingOptions &
  ({ dataSource: DataSource; mongo?: never } | { mongo: { db: Db }; dataSource?: never });

export const MESSAGING_OPTIONS = Symbol('shop.messaging.options');
