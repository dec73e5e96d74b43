import { Inject, Injectable } from '@nestjs/common';
import {
  createMessage,
  type MessageContext,
  type MessageDefinition,
  type MessageEnvelope,
} from '@shop/contracts';
import { type EntityManager } from 'typeorm';
import { causedBy } from '../consumer/caused-by';
import { TypeormOutboxWriter } from '../outbox/typeorm-outbox.writer';
import { MESSAGING_OPTIONS, type MessagingModuleOptions } from './messaging-module-options';

/** Sends messages the only safe way: into the outbox, in the caller's transaction. */
@Injectable()
export class MessagePublisher {
  private readonly writer = new TypeormOutboxWriter();

  constructor(@Inject(MESSAGING_OPTIONS) private readonly options: MessagingModuleOptions) {}

  /** A message started by a request (e.g. placing an order): `correlationId` is its aggregate. */
  async publish<TData>(
    manager: EntityManager,
    definition: MessageDefinition<string, TData>,
    data: NoInfer<TData>,
    context: Omit<MessageContext, 'source'>,
  ): Promise<MessageEnvelope<TData>> {
    const message = createMessage(definition, data, { ...context, source: this.options.service });
    await this.writer.append(manager, message);
    return message.envelope;
  }

  /** A message caused by one being handled (a reply, a follow-up command). */
  async publishCausedBy<TData>(
    manager: EntityManager,
    cause: MessageEnvelope,
    definition: MessageDefinition<string, TData>,
    data: NoInfer<TData>,
  ): Promise<MessageEnvelope<TData>> {
    const message = createMessage(definition, data, causedBy(cause, this.options.service));
    await this.writer.append(manager, message);
    return message.envelope;
  }
}
