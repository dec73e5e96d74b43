import { headersOf, type OutgoingMessage } from '@shop/contracts';
import { type EntityManager } from 'typeorm';
import { withActiveTrace } from '../observability/message-tracing';
import { OUTBOX_CHANNEL } from './postgres-outbox.store';

/**
 * Writes messages into the outbox with the caller's EntityManager, inside the
 * caller's transaction: the state change and the messages it causes commit
 * together or not at all. The NOTIFY is delivered at commit, waking the relay.
 */
export class TypeormOutboxWriter {
  async append(
    manager: EntityManager,
    messages: OutgoingMessage | OutgoingMessage[],
  ): Promise<void> {
    if (!manager.queryRunner?.isTransactionActive) {
      throw new Error(
        'TypeormOutboxWriter.append needs the EntityManager of an open transaction ' +
          '(dataSource.transaction(manager => ...)): outside one, the message could outlive a rollback.',
      );
    }
    for (const message of Array.isArray(messages) ? messages : [messages]) {
      const { topic, key } = message;
      const envelope = withActiveTrace(message.envelope);
      await manager.query(
        `INSERT INTO outbox_messages (id, topic, partition_key, type, headers, payload)
         VALUES ($1, $2, $3, $4, $5, $6)`,
        [
          envelope.id,
          topic,
          key,
          envelope.type,
          JSON.stringify(headersOf(envelope)),
          JSON.stringify(envelope),
        ],
      );
    }
    await manager.query('SELECT pg_notify($1, $2)', [OUTBOX_CHANNEL, '']);
  }
}
