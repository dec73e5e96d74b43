/** The saga passed its pivot (or ended): it can no longer be cancelled. */
export class SagaNotCancellableError extends Error {
  constructor(sagaId: string, why: string) {
    super(`saga ${sagaId} cannot be cancelled: ${why}`);
    this.name = 'SagaNotCancellableError';
  }
}
