import { type MessageDefinition } from '@shop/contracts';

/** How long to wait for a reply, and how often to re-send the (idempotent) command. */
export interface StepDeadline {
  timeoutMs: number;
  /** Re-sends before a missing reply counts as a failure; after the pivot, steps re-send forever. */
  maxResends: number;
}

export interface ParticipantInvocation<TData> {
  command: MessageDefinition<string, unknown>;
  build: (data: TData) => unknown;
}

export interface ReplyHandler<TData> {
  reply: MessageDefinition<string, unknown>;
  /** Folds the reply into the saga's data; returns the new data. */
  update: (data: TData, reply: unknown) => TData;
}

/** A local step runs in the orchestrator's own transaction (e.g. approving the order). */
export type LocalAction<TData, TContext> = (
  data: TData,
  context: TContext,
) => Promise<TData | void>;

export interface SagaStep<TData, TContext> {
  name: string;
  participant?: ParticipantInvocation<TData> & {
    onSuccess: ReplyHandler<TData>;
    onFailure?: ReplyHandler<TData>;
  };
  local?: LocalAction<TData, TContext>;
  compensation?: ParticipantInvocation<TData> & {
    onSuccess: ReplyHandler<TData>;
    /** The participant could not compensate yet: the compensation is re-sent at its deadline. */
    onFailure?: MessageDefinition<string, unknown>;
  };
  /** The point of no return: once it succeeds, the saga completes and never compensates. */
  pivot: boolean;
  /** After the pivot: failures and missing replies are re-sent until the step succeeds. */
  retriable: boolean;
  deadline: StepDeadline;
}

/**
 * Every reply a saga waits for, from its definition: what its orchestrator's
 * consumer subscribes to, so a new step's replies need no list of their own.
 */
export function repliesOf<TData, TContext>(
  definition: SagaDefinition<TData, TContext>,
): MessageDefinition<string, unknown>[] {
  const replies = new Map<string, MessageDefinition<string, unknown>>();
  for (const { participant, compensation } of definition.steps) {
    for (const reply of [
      participant?.onSuccess.reply,
      participant?.onFailure?.reply,
      compensation?.onSuccess.reply,
      compensation?.onFailure,
    ]) {
      if (reply) replies.set(reply.type, reply);
    }
  }
  return [...replies.values()];
}

/** How a saga ended, for its end hooks. */
export interface SagaOutcome {
  status: 'COMPLETED' | 'REJECTED' | 'CANCELLED';
  reason: string | null;
}

/** Runs when the saga ends, in the transaction of its last transition. */
export type OutcomeAction<TData, TContext> = (
  data: TData,
  context: TContext,
  outcome: SagaOutcome,
) => Promise<TData | void>;

export interface SagaDefinition<TData, TContext> {
  type: string;
  steps: SagaStep<TData, TContext>[];
  /** Why the saga was rejected, from its data (e.g. a reason set by a failure reply). */
  rejectionReason: (data: TData) => string;
  onCompleted?: OutcomeAction<TData, TContext>;
  onRejected?: OutcomeAction<TData, TContext>;
  onCancelled?: OutcomeAction<TData, TContext>;
}
