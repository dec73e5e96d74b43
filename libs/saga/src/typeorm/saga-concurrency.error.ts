/**
 * Another transaction changed the saga since it was read (two replies at once,
 * a reply racing its deadline). Transient: the message is retried and finds
 * the new state.
 */
export class SagaConcurrencyError extends Error {
  constructor(sagaId: string, expectedVersion: number) {
    super(`saga ${sagaId} changed since version ${expectedVersion}`);
    this.name = 'SagaConcurrencyError';
  }
}
