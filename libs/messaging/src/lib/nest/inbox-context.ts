import { BaseRpcContext } from '@nestjs/microservices';
import { type MessageDefinition, type MessageEnvelope } from '@shop/contracts';

/** Sends a message caused by the one in hand, in its store's transaction (see InboxContext.publish). */
export type CausedMessageSender = <TData>(
  definition: MessageDefinition<string, TData>,
  data: TData,
  purpose: string,
) => Promise<MessageEnvelope<TData>>;

/**
 * The second argument of every message handler (`@Ctx()` in Nest's terms):
 * the message's envelope, the store's transaction the handler runs in, and a
 * way to send messages caused by this one within that transaction.
 *
 * `TStore` is the transaction: TypeORM's `EntityManager` on PostgreSQL (the
 * handler's writes, its messages and the inbox record commit together), the
 * `Db` on MongoDB, where there is no transaction to join (FerretDB and a
 * standalone mongod have none), so handlers are idempotent by design.
 */
export class InboxContext<TStore> extends BaseRpcContext<
  [MessageEnvelope, TStore, CausedMessageSender]
> {
  get envelope(): MessageEnvelope {
    return this.args[0];
  }

  get transaction(): TStore {
    return this.args[1];
  }

  /**
   * Sends a message caused by the one in hand (same correlation, caused by it,
   * same trace) through the outbox, in the handler's transaction. On MongoDB
   * its id derives from the message in hand and `purpose` (by default the
   * sent message's type), so a handler retried after a crash writes the same
   * message again and the outbox keeps one.
   */
  publish<TData>(
    definition: MessageDefinition<string, TData>,
    data: NoInfer<TData>,
    purpose: string = definition.type,
  ): Promise<MessageEnvelope<TData>> {
    return this.args[2](definition, data, purpose);
  }
}
