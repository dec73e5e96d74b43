import { type SagaDefinition, type SagaStep } from './saga-definition';
import { SagaNotCancellableError } from './saga-not-cancellable.error';
import {
  type AwaitedReply,
  isFinished,
  type SagaCommand,
  type SagaEvent,
  type SagaState,
  type SagaTransition,
} from './saga-state';

export interface SagaReply {
  type: string;
  data: unknown;
}

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/**
 * Runs a saga definition: every method takes the stored state, returns the new
 * state and the commands to send, and touches nothing else (local steps run
 * with the context the caller passes, e.g. its transaction). So the caller
 * persists the state and writes the commands to its outbox in one transaction,
 * and after a crash at any point the saga continues from what was stored.
 *
 * Rules: a failure (failure reply, or no reply after the step's re-sends)
 * before the pivot compensates the completed steps in reverse order, and the
 * failed step too when it may have taken effect (no reply); compensations and
 * steps after the pivot are re-sent until they succeed; a reply the saga is
 * not waiting for (late, duplicate) is recorded and ignored.
 */
export class SagaEngine<TData, TContext> {
  constructor(
    readonly definition: SagaDefinition<TData, TContext>,
    readonly clock: Clock = systemClock,
  ) {}

  async start(id: string, data: TData, context: TContext): Promise<SagaTransition<TData>> {
    const state: SagaState<TData> = {
      id,
      type: this.definition.type,
      status: 'RUNNING',
      data,
      stepIndex: 0,
      pivotPassed: false,
      compensations: [],
      compensable: [],
      awaiting: null,
      endsAs: null,
      outcomeReason: null,
      timeline: [],
    };
    this.record(state, null, 'started');
    return this.advance(state, context);
  }

  /** Records a reply that answers an earlier command of this saga, not the awaited one. */
  ignoreLateReply(current: SagaState<TData>, reply: SagaReply): SagaTransition<TData> {
    const state = clone(current);
    this.record(state, null, 'late-reply-ignored', reply.type);
    return { state, commands: [] };
  }

  async handleReply(
    current: SagaState<TData>,
    reply: SagaReply,
    context: TContext,
  ): Promise<SagaTransition<TData>> {
    const state = clone(current);
    const awaiting = state.awaiting;
    if (isFinished(state.status) || !awaiting || !awaiting.replies.includes(reply.type)) {
      this.record(state, null, 'late-reply-ignored', reply.type);
      return { state, commands: [] };
    }
    const step = this.stepAt(awaiting.stepIndex);
    this.record(state, step.name, 'reply-received', reply.type);
    state.awaiting = null;

    if (awaiting.kind === 'compensation') {
      const compensation = step.compensation as NonNullable<
        SagaStep<TData, TContext>['compensation']
      >;
      if (reply.type !== compensation.onSuccess.reply.type) {
        // Compensations must eventually succeed: the failure waits for the deadline's re-send.
        this.record(
          state,
          step.name,
          'compensation-failed',
          `${reply.type}; re-sent at the deadline`,
        );
        this.await(
          state,
          awaiting.stepIndex,
          'compensation',
          awaiting.command,
          awaiting.replies,
          awaiting.sends,
        );
        return { state, commands: [] };
      }
      state.data = compensation.onSuccess.update(state.data, reply.data);
      this.record(state, step.name, 'step-compensated');
      return this.advance(state, context);
    }

    const participant = step.participant as NonNullable<SagaStep<TData, TContext>['participant']>;
    if (reply.type === participant.onSuccess.reply.type) {
      state.data = participant.onSuccess.update(state.data, reply.data);
      this.completeStep(state, awaiting.stepIndex);
      return this.advance(state, context);
    }
    state.data = participant.onFailure
      ? participant.onFailure.update(state.data, reply.data)
      : state.data;
    if (step.retriable) {
      // Re-sent when the deadline passes, not at once: a participant failing for a while is not hammered.
      this.record(state, step.name, 'step-failed', `${reply.type}; retried at the deadline`);
      this.await(
        state,
        awaiting.stepIndex,
        'forward',
        awaiting.command,
        awaiting.replies,
        awaiting.sends,
      );
      return { state, commands: [] };
    }
    this.record(state, step.name, 'step-failed', reply.type);
    // A failure reply means the participant changed nothing: this step needs no compensation.
    return this.compensate(state, this.definition.rejectionReason(state.data), context);
  }

  /** Call when `awaiting.deadlineAt` has passed; does nothing before. */
  async handleDeadline(
    current: SagaState<TData>,
    context: TContext,
  ): Promise<SagaTransition<TData>> {
    const state = clone(current);
    const awaiting = state.awaiting;
    if (!awaiting || isFinished(state.status) || this.clock.now() < new Date(awaiting.deadlineAt)) {
      return { state, commands: [] };
    }
    const step = this.stepAt(awaiting.stepIndex);
    this.record(
      state,
      step.name,
      'deadline-expired',
      `no reply to ${awaiting.command} after ${awaiting.sends} send(s)`,
    );
    if (awaiting.kind === 'compensation')
      return this.resend(state, awaiting, 'compensation-resent');
    if (step.retriable || awaiting.sends <= step.deadline.maxResends) {
      return this.resend(state, awaiting, 'command-resent');
    }
    this.record(state, step.name, 'step-failed', 'no reply before the deadline');
    state.awaiting = null;
    // Without a reply the command may have taken effect: compensate this step too.
    if (step.compensation) state.compensable.push(awaiting.stepIndex);
    return this.compensate(state, `${step.name} did not answer in time`, context);
  }

  /** A customer's cancellation: allowed until the pivot. */
  async cancel(
    current: SagaState<TData>,
    reason: string,
    context: TContext,
  ): Promise<SagaTransition<TData>> {
    const state = clone(current);
    if (isFinished(state.status))
      throw new SagaNotCancellableError(state.id, `it is ${state.status}`);
    if (state.pivotPassed) throw new SagaNotCancellableError(state.id, 'it passed its pivot');
    if (state.status === 'COMPENSATING')
      throw new SagaNotCancellableError(state.id, 'it is already being rejected');
    this.record(state, null, 'cancel-requested', reason);
    const inFlight = state.awaiting;
    state.awaiting = null;
    // The command in flight may still take effect: its compensation runs after it (same partition key).
    if (inFlight?.kind === 'forward' && this.stepAt(inFlight.stepIndex).compensation) {
      state.compensable.push(inFlight.stepIndex);
    }
    return this.compensate(state, reason, context, 'CANCELLED');
  }

  private async advance(
    state: SagaState<TData>,
    context: TContext,
  ): Promise<SagaTransition<TData>> {
    const commands: SagaCommand[] = [];
    for (;;) {
      if (state.status === 'COMPENSATING') {
        const next = state.compensations.shift();
        if (next === undefined) {
          await this.finish(state, context);
          return { state, commands };
        }
        const step = this.stepAt(next);
        const compensation = step.compensation as NonNullable<
          SagaStep<TData, TContext>['compensation']
        >;
        commands.push(
          this.command(step, compensation.command.type, compensation.build(state.data), true),
        );
        this.await(
          state,
          next,
          'compensation',
          compensation.command.type,
          [
            compensation.onSuccess.reply.type,
            ...(compensation.onFailure ? [compensation.onFailure.type] : []),
          ],
          1,
        );
        this.record(state, step.name, 'compensation-sent', compensation.command.type);
        return { state, commands };
      }
      if (state.stepIndex >= this.definition.steps.length) {
        await this.finish(state, context);
        return { state, commands };
      }
      const index = state.stepIndex;
      const step = this.stepAt(index);
      if (step.local) {
        state.data = (await step.local(state.data, context)) ?? state.data;
        this.record(state, step.name, 'local-step-done');
        this.completeStep(state, index);
        continue;
      }
      const participant = step.participant as NonNullable<SagaStep<TData, TContext>['participant']>;
      commands.push(
        this.command(step, participant.command.type, participant.build(state.data), false),
      );
      const replies = [
        participant.onSuccess.reply.type,
        ...(participant.onFailure ? [participant.onFailure.reply.type] : []),
      ];
      this.await(state, index, 'forward', participant.command.type, replies, 1);
      this.record(state, step.name, 'command-sent', participant.command.type);
      return { state, commands };
    }
  }

  private completeStep(state: SagaState<TData>, index: number): void {
    const step = this.stepAt(index);
    this.record(state, step.name, 'step-succeeded');
    if (step.compensation) state.compensable.push(index);
    if (step.pivot) state.pivotPassed = true;
    state.stepIndex = index + 1;
  }

  private async compensate(
    state: SagaState<TData>,
    reason: string,
    context: TContext,
    outcome: 'REJECTED' | 'CANCELLED' = 'REJECTED',
  ): Promise<SagaTransition<TData>> {
    state.status = 'COMPENSATING';
    state.outcomeReason = reason;
    state.compensations = [...state.compensable].reverse();
    state.compensable = [];
    state.endsAs = outcome;
    return this.advance(state, context);
  }

  private async finish(state: SagaState<TData>, context: TContext): Promise<void> {
    const { definition } = this;
    if (state.status === 'COMPENSATING') {
      state.status = state.endsAs ?? 'REJECTED';
      state.endsAs = null;
    } else {
      state.status = 'COMPLETED';
    }
    const outcome = {
      status: state.status as 'COMPLETED' | 'REJECTED' | 'CANCELLED',
      reason: state.outcomeReason,
    };
    const hook =
      state.status === 'COMPLETED'
        ? definition.onCompleted
        : state.status === 'CANCELLED'
          ? definition.onCancelled
          : definition.onRejected;
    state.data = (await hook?.(state.data, context, outcome)) ?? state.data;
    const event =
      state.status === 'COMPLETED'
        ? 'completed'
        : state.status === 'CANCELLED'
          ? 'cancelled'
          : 'rejected';
    this.record(state, null, event, state.outcomeReason ?? undefined);
  }

  private resend(
    state: SagaState<TData>,
    awaiting: AwaitedReply,
    event: SagaEvent,
    detail?: string,
  ): SagaTransition<TData> {
    const step = this.stepAt(awaiting.stepIndex);
    const invocation = awaiting.kind === 'compensation' ? step.compensation : step.participant;
    if (!invocation) throw new Error(`step ${step.name} has nothing to re-send`);
    this.await(
      state,
      awaiting.stepIndex,
      awaiting.kind,
      awaiting.command,
      awaiting.replies,
      awaiting.sends + 1,
    );
    this.record(state, step.name, event, detail ?? awaiting.command);
    return {
      state,
      commands: [
        this.command(
          step,
          awaiting.command,
          invocation.build(state.data),
          awaiting.kind === 'compensation',
        ),
      ],
    };
  }

  private await(
    state: SagaState<TData>,
    stepIndex: number,
    kind: AwaitedReply['kind'],
    command: string,
    replies: string[],
    sends: number,
  ): void {
    const step = this.stepAt(stepIndex);
    const deadlineAt = new Date(this.clock.now().getTime() + step.deadline.timeoutMs).toISOString();
    state.awaiting = { stepIndex, kind, command, replies, sends, deadlineAt };
  }

  private command(
    step: SagaStep<TData, TContext>,
    type: string,
    data: unknown,
    compensation: boolean,
  ): SagaCommand {
    return { step: step.name, type, data, compensation };
  }

  private record(
    state: SagaState<TData>,
    step: string | null,
    event: SagaEvent,
    detail?: string,
  ): void {
    state.timeline.push({
      at: this.clock.now().toISOString(),
      step,
      event,
      ...(detail === undefined ? {} : { detail }),
    });
  }

  private stepAt(index: number): SagaStep<TData, TContext> {
    const step = this.definition.steps[index];
    if (!step) throw new Error(`saga ${this.definition.type} has no step ${index}`);
    return step;
  }
}

// Transitions never mutate their input: a failed transaction leaves the caller's copy intact.
function clone<T>(value: T): T {
  return structuredClone(value);
}
