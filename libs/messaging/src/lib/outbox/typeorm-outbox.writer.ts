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
    const batch = Array.isArray(messages) ? messages : [messages];
    if (batch.length === 0) return;
    const parameters: unknown[] = [OUTBOX_CHANNEL];
    const rows = batch.map((message) => {
      const envelope = withActiveTrace(message.envelope);
      const first = parameters.length + 1;
      parameters.push(
        envelope.id,
        message.topic,
        message.key,
        envelope.type,
        JSON.stringify(headersOf(envelope)),
        JSON.stringify(envelope),
      );
      return `(${[0, 1, 2, 3, 4, 5].map((offset) => `$${first + offset}`).join(', ')})`;
    });
    // One round trip: the rows (their `sequence` in the order given) and the relay's wake-up,
    // which PostgreSQL delivers at commit (once per transaction, however many appends).
    await manager.query(
      `WITH written AS (
         INSERT INTO outbox_messages (id, topic, partition_key, type, headers, payload)
         VALUES ${rows.join(', ')} RETURNING 1)
       SELECT pg_notify($1, '') FROM written LIMIT 1`,
      parameters,
    );
  }
}
