import { Inject, Injectable } from '@nestjs/common';
import {
  createMessage,
  type MessageContext,
  type MessageDefinition,
  type MessageEnvelope,
  type OutgoingMessage,
} from '@shop/contracts';
import { causedBy } from '../consumer/caused-by';
import { deterministicMessageId } from '../mongo/deterministic-message-id';
import { MongoOutboxWriter } from '../mongo/mongo-outbox.writer';
import { MESSAGING_OPTIONS, type MessagingModuleOptions } from './messaging-module-options';

/**
 * Sends messages of a service on MongoDB into its outbox. There is no
 * transaction to join: a message is written after the state change that
 * causes it, so every message a handler sends must have an id the handler can
 * compute again after a crash. `publishCausedBy` derives it from the message
 * being handled; state changes outside handlers keep their messages' ids in
 * the changed document until they are appended (see the catalog service).
 */
@Injectable()
export class MongoMessagePublisher {
  private readonly outboxWriter: MongoOutboxWriter | undefined;

  constructor(@Inject(MESSAGING_OPTIONS) private readonly options: MessagingModuleOptions) {
    this.outboxWriter = options.mongo ? new MongoOutboxWriter(options.mongo.db) : undefined;
  }

  /** The writer the relay listens to, so that a write wakes it at once. */
  get writer(): MongoOutboxWriter {
    if (!this.outboxWriter) {
      throw new Error('MongoMessagePublisher needs MessagingModule configured with `mongo`');
    }
    return this.outboxWriter;
  }

  /**
   * A message started outside a handler. Pass `context.id` (and `time`) when
   * the caller may retry: a fresh id on every call would send it twice.
   */
  async publish<TData>(
    definition: MessageDefinition<string, TData>,
    data: NoInfer<TData>,
    context: Omit<MessageContext, 'source'>,
  ): Promise<MessageEnvelope<TData>> {
    const message = createMessage(definition, data, { ...context, source: this.options.service });
    await this.writer.append(message);
    return message.envelope;
  }

  /**
   * A message caused by the one being handled. Its id and time depend only on
   * `cause` and `purpose` (e.g. 'reply'), so a handler retried after a crash
   * writes the same message again and the outbox keeps one. One purpose per
   * kind of follow-up: two messages with the same purpose are the same message.
   */
  async publishCausedBy<TData>(
    cause: MessageEnvelope,
    definition: MessageDefinition<string, TData>,
    data: NoInfer<TData>,
    purpose: string,
  ): Promise<MessageEnvelope<TData>> {
    const time = new Date(cause.time);
    const message = createMessage(definition, data, {
      ...causedBy(cause, this.options.service),
      id: deterministicMessageId(`${cause.id}:${purpose}`, time),
      time,
    });
    await this.writer.append(message);
    return message.envelope;
  }

  /** Messages built earlier (e.g. kept in an aggregate's document); their ids make a repeat a no-op. */
  async append(messages: OutgoingMessage[]): Promise<void> {
    if (messages.length > 0) await this.writer.append(messages);
  }
}
