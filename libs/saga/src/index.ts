export {
  type LocalAction,
  type OutcomeAction,
  repliesOf,
  type SagaOutcome,
  type SagaDefinition,
  type SagaStep,
  type StepDeadline,
} from './lib/saga-definition';
export { defineSaga, SagaBuilder, StepBuilder } from './lib/saga-builder';
export { type Clock, SagaEngine, type SagaReply, systemClock } from './lib/saga-engine';
export { SagaNotCancellableError } from './lib/saga-not-cancellable.error';
export {
  type AwaitedReply,
  isFinished,
  type SagaCommand,
  type SagaEvent,
  type SagaState,
  type SagaStatus,
  type SagaTimelineEntry,
  type SagaTransition,
} from './lib/saga-state';
export { ManualClock, SagaTestHarness } from './testing/saga-test-harness';
