import { type MessageDefinition } from '@shop/contracts';
import {
  type LocalAction,
  type OutcomeAction,
  type SagaDefinition,
  type SagaStep,
  type StepDeadline,
} from './saga-definition';

const DEFAULT_DEADLINE: StepDeadline = { timeoutMs: 30_000, maxResends: 3 };
const keep = <TData>(data: TData): TData => data;

/** Starts a saga definition; see the README for a complete one. */
export function defineSaga<TData, TContext = unknown>(
  type: string,
  options: { deadline?: StepDeadline } = {},
): SagaBuilder<TData, TContext> {
  return new SagaBuilder<TData, TContext>(type, options.deadline ?? DEFAULT_DEADLINE);
}

export class SagaBuilder<TData, TContext> {
  private readonly steps: SagaStep<TData, TContext>[] = [];
  private reason: (data: TData) => string = () => 'the order could not be completed';
  private completed: OutcomeAction<TData, TContext> | undefined;
  private rejected: OutcomeAction<TData, TContext> | undefined;
  private cancelled: OutcomeAction<TData, TContext> | undefined;

  constructor(
    private readonly type: string,
    private readonly defaultDeadline: StepDeadline,
  ) {}

  step(name: string): StepBuilder<TData, TContext> {
    const step: SagaStep<TData, TContext> = {
      name,
      pivot: false,
      retriable: false,
      deadline: this.defaultDeadline,
    };
    this.steps.push(step);
    return new StepBuilder(this, step);
  }

  rejectionReason(reason: (data: TData) => string): this {
    this.reason = reason;
    return this;
  }

  onCompleted(action: OutcomeAction<TData, TContext>): this {
    this.completed = action;
    return this;
  }

  onRejected(action: OutcomeAction<TData, TContext>): this {
    this.rejected = action;
    return this;
  }

  onCancelled(action: OutcomeAction<TData, TContext>): this {
    this.cancelled = action;
    return this;
  }

  build(): SagaDefinition<TData, TContext> {
    const names = new Set<string>();
    let pivotSeen = false;
    for (const step of this.steps) {
      const where = `saga ${this.type}, step ${step.name}`;
      if (names.has(step.name)) throw new Error(`${where}: the name is used twice`);
      names.add(step.name);
      if (!step.participant === !step.local)
        throw new Error(`${where}: invoke a participant or a local action`);
      if (step.participant && !step.participant.onSuccess)
        throw new Error(`${where}: onReply is missing`);
      if (step.pivot && pivotSeen) throw new Error(`${where}: a saga has one pivot`);
      if (step.retriable && !pivotSeen)
        throw new Error(`${where}: only steps after the pivot are retriable`);
      if (pivotSeen && !step.retriable && !step.pivot) {
        throw new Error(
          `${where}: a step after the pivot must be retriable (it must eventually succeed)`,
        );
      }
      if (pivotSeen && step.compensation)
        throw new Error(`${where}: steps after the pivot are never compensated`);
      pivotSeen ||= step.pivot;
    }
    return {
      type: this.type,
      steps: this.steps,
      rejectionReason: this.reason,
      ...(this.completed ? { onCompleted: this.completed } : {}),
      ...(this.rejected ? { onRejected: this.rejected } : {}),
      ...(this.cancelled ? { onCancelled: this.cancelled } : {}),
    };
  }
}

export class StepBuilder<TData, TContext> {
  constructor(
    private readonly saga: SagaBuilder<TData, TContext>,
    private readonly current: SagaStep<TData, TContext>,
  ) {}

  invokeParticipant<TCommand>(
    command: MessageDefinition<string, TCommand>,
    build: (data: TData) => NoInfer<TCommand>,
  ): this {
    this.current.participant = {
      command: command as MessageDefinition<string, unknown>,
      build,
      onSuccess: undefined as never,
    };
    return this;
  }

  onReply<TReply>(
    reply: MessageDefinition<string, TReply>,
    update: (data: TData, reply: NoInfer<TReply>) => TData = keep,
  ): this {
    this.participant('onReply').onSuccess = {
      reply: reply as MessageDefinition<string, unknown>,
      update: update as (data: TData, reply: unknown) => TData,
    };
    return this;
  }

  onFailureReply<TReply>(
    reply: MessageDefinition<string, TReply>,
    update: (data: TData, reply: NoInfer<TReply>) => TData = keep,
  ): this {
    this.participant('onFailureReply').onFailure = {
      reply: reply as MessageDefinition<string, unknown>,
      update: update as (data: TData, reply: unknown) => TData,
    };
    return this;
  }

  withCompensation<TCommand, TReply>(
    command: MessageDefinition<string, TCommand>,
    build: (data: TData) => NoInfer<TCommand>,
    reply: MessageDefinition<string, TReply>,
    update: (data: TData, reply: NoInfer<TReply>) => TData = keep,
  ): this {
    this.current.compensation = {
      command: command as MessageDefinition<string, unknown>,
      build,
      onSuccess: {
        reply: reply as MessageDefinition<string, unknown>,
        update: update as (data: TData, reply: unknown) => TData,
      },
    };
    return this;
  }

  /** The compensation's failure reply: recorded, and the compensation re-sent at its deadline. */
  onCompensationFailureReply(reply: MessageDefinition<string, unknown>): this {
    if (!this.current.compensation) {
      throw new Error(
        `step ${this.current.name}: onCompensationFailureReply needs withCompensation first`,
      );
    }
    this.current.compensation.onFailure = reply;
    return this;
  }

  invokeLocal(action: LocalAction<TData, TContext>): this {
    this.current.local = action;
    return this;
  }

  pivot(): this {
    this.current.pivot = true;
    return this;
  }

  retriable(): this {
    this.current.retriable = true;
    return this;
  }

  deadline(deadline: StepDeadline): this {
    this.current.deadline = deadline;
    return this;
  }

  step(name: string): StepBuilder<TData, TContext> {
    return this.saga.step(name);
  }

  rejectionReason(reason: (data: TData) => string): SagaBuilder<TData, TContext> {
    return this.saga.rejectionReason(reason);
  }

  onCompleted(action: OutcomeAction<TData, TContext>): SagaBuilder<TData, TContext> {
    return this.saga.onCompleted(action);
  }

  onRejected(action: OutcomeAction<TData, TContext>): SagaBuilder<TData, TContext> {
    return this.saga.onRejected(action);
  }

  onCancelled(action: OutcomeAction<TData, TContext>): SagaBuilder<TData, TContext> {
    return this.saga.onCancelled(action);
  }

  build(): ReturnType<SagaBuilder<TData, TContext>['build']> {
    return this.saga.build();
  }

  private participant(method: string): NonNullable<SagaStep<TData, TContext>['participant']> {
    if (!this.current.participant) {
      throw new Error(`step ${this.current.name}: ${method} needs invokeParticipant first`);
    }
    return this.current.participant;
  }
}
