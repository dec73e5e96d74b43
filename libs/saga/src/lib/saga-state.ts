/** Where a saga instance is; persisted as plain JSON by the orchestrator's store. */
export type SagaStatus = 'RUNNING' | 'COMPENSATING' | 'COMPLETED' | 'REJECTED' | 'CANCELLED';

export type SagaEvent =
  | 'started'
  | 'command-sent'
  | 'command-resent'
  | 'reply-received'
  | 'step-succeeded'
  | 'step-failed'
  | 'deadline-expired'
  | 'local-step-done'
  | 'compensation-sent'
  | 'compensation-resent'
  | 'compensation-failed'
  | 'step-compensated'
  | 'cancel-requested'
  | 'late-reply-ignored'
  | 'completed'
  | 'rejected'
  | 'cancelled';

/** One line of the saga's timeline, as the order API shows it. */
export interface SagaTimelineEntry {
  at: string;
  step: string | null;
  event: SagaEvent;
  detail?: string;
}

export interface AwaitedReply {
  stepIndex: number;
  kind: 'forward' | 'compensation';
  command: string;
  replies: string[];
  sends: number;
  deadlineAt: string;
  /**
   * The message ids of every send of the awaited command (first and re-sends):
   * a reply is accepted only as the answer to one of them (its causation id).
   * Set by the orchestrator, which gives the commands their ids.
   */
  commandIds?: string[];
}

export interface SagaState<TData> {
  id: string;
  type: string;
  status: SagaStatus;
  data: TData;
  /** The next forward step to run. */
  stepIndex: number;
  pivotPassed: boolean;
  /** Steps whose compensation is still to run, next first (reverse order of completion). */
  compensations: number[];
  /** Completed steps that have a compensation, in order of completion. */
  compensable: number[];
  awaiting: AwaitedReply | null;
  /** While compensating: how the saga ends once the compensations are done. */
  endsAs: 'REJECTED' | 'CANCELLED' | null;
  outcomeReason: string | null;
  timeline: SagaTimelineEntry[];
  /**
   * Every command this saga sent, by message id: a reply to one that is no
   * longer awaited is late (ignored); a reply to none of them is not this
   * saga's (dead-lettered). Absent in sagas stored before replies were
   * checked: those accept a reply by its type, as they did.
   */
  sentCommandIds?: string[];
}

/** A command the orchestrator must send (through its outbox, in the same transaction as the state). */
export interface SagaCommand {
  step: string;
  type: string;
  data: unknown;
  compensation: boolean;
}

export interface SagaTransition<TData> {
  state: SagaState<TData>;
  commands: SagaCommand[];
}

export const isFinished = (status: SagaStatus): boolean =>
  status === 'COMPLETED' || status === 'REJECTED' || status === 'CANCELLED';
