// The saga engine's PostgreSQL runtime (TypeORM + the outbox): a secondary
// entry point, so that `@shop/saga` itself stays free of I/O dependencies.
export {
  CreateSagaInstances1764201600300,
  SAGA_MIGRATIONS,
} from './typeorm/create-saga-instances.migration';
export { SagaConcurrencyError } from './typeorm/saga-concurrency.error';
export {
  type DeadlineRound,
  SagaOrchestrator,
  type SagaOrchestratorOptions,
} from './typeorm/saga-orchestrator';
export { type StoredSaga, TypeormSagaStore } from './typeorm/typeorm-saga.store';
