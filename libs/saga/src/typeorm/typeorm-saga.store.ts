import { type EntityManager } from 'typeorm';
import { isFinished, type SagaState } from '../lib/saga-state';
import { SagaConcurrencyError } from './saga-concurrency.error';

/** A saga's state as stored, with the version its next save must match. */
export interface StoredSaga<TData> {
  state: SagaState<TData>;
  version: number;
}

/**
 * Saga instances in the orchestrator's PostgreSQL, always through the
 * caller's EntityManager (its transaction), with optimistic locking: a save
 * succeeds only if nobody saved since the load.
 */
export class TypeormSagaStore {
  async insert<TData>(manager: EntityManager, state: SagaState<TData>): Promise<StoredSaga<TData>> {
    await manager.query(
      `INSERT INTO saga_instances (id, type, status, state, deadline_at, version) VALUES ($1, $2, $3, $4, $5, 1)`,
      [state.id, state.type, state.status, JSON.stringify(state), deadlineOf(state)],
    );
    return { state, version: 1 };
  }

  async find<TData>(
    manager: EntityManager,
    type: string,
    id: string,
  ): Promise<StoredSaga<TData> | undefined> {
    const rows: { state: SagaState<TData>; version: number }[] = await manager.query(
      'SELECT state, version FROM saga_instances WHERE id = $1 AND type = $2',
      [id, type],
    );
    const row = rows[0];
    return row ? { state: row.state, version: row.version } : undefined;
  }

  async save<TData>(
    manager: EntityManager,
    stored: StoredSaga<TData>,
    next: SagaState<TData>,
  ): Promise<StoredSaga<TData>> {
    const result: [unknown[], number] = await manager.query(
      `UPDATE saga_instances SET status = $2, state = $3, deadline_at = $4, version = version + 1, updated_at = now()
        WHERE id = $1 AND version = $5`,
      [next.id, next.status, JSON.stringify(next), deadlineOf(next), stored.version],
    );
    if (result[1] !== 1) throw new SagaConcurrencyError(next.id, stored.version);
    return { state: next, version: stored.version + 1 };
  }

  /** Ids of sagas of `type` whose awaited reply is overdue at `now`, oldest deadline first. */
  async findDue(manager: EntityManager, type: string, now: Date, limit: number): Promise<string[]> {
    const rows: { id: string }[] = await manager.query(
      'SELECT id FROM saga_instances WHERE type = $1 AND deadline_at <= $2 ORDER BY deadline_at LIMIT $3',
      [type, now, limit],
    );
    return rows.map((row) => row.id);
  }
}

const deadlineOf = (state: SagaState<unknown>): Date | null =>
  !isFinished(state.status) && state.awaiting ? new Date(state.awaiting.deadlineAt) : null;
