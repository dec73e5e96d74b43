import { type MessageEnvelope } from '@shop/contracts';
import { type DataSource, type EntityManager } from 'typeorm';
import { type Inbox, type InboxOutcome } from './inbox';

/**
 * The inbox in the service's PostgreSQL: the "processed" row, the handler's
 * effects and the messages it sends (through the outbox, same EntityManager)
 * commit in one transaction. A redelivered message finds its row and changes
 * nothing; a concurrent duplicate waits on the primary key, then finds it.
 */
export class TypeormInbox implements Inbox<EntityManager> {
  constructor(private readonly dataSource: DataSource) {}

  process(
    consumer: string,
    envelope: MessageEnvelope,
    work: (manager: EntityManager) => Promise<void>,
  ): Promise<InboxOutcome> {
    return this.dataSource.transaction(async (manager) => {
      const inserted: unknown[] = await manager.query(
        `INSERT INTO inbox_messages (consumer, message_id, message_type) VALUES ($1, $2, $3)
         ON CONFLICT DO NOTHING RETURNING 1`,
        [consumer, envelope.id, envelope.type],
      );
      if (inserted.length === 0) return 'duplicate';
      await work(manager);
      return 'processed';
    });
  }
}
