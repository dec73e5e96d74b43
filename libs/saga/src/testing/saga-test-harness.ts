import { type MessageDefinition } from '@shop/contracts';
import { isDeepStrictEqual } from 'node:util';
import { type SagaDefinition } from '../lib/saga-definition';
import { type Clock, SagaEngine } from '../lib/saga-engine';
import { type SagaCommand, type SagaState, type SagaStatus } from '../lib/saga-state';

/** A clock the test moves by hand, for deadlines. */
export class ManualClock implements Clock {
  constructor(private current = new Date('2026-01-01T00:00:00.000Z')) {}
  now(): Date {
    return new Date(this.current);
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

/** `expected` is contained in `actual` (objects: a subset of keys; everything else: equal). */
function contains(actual: unknown, expected: unknown): boolean {
  if (expected === null || typeof expected !== 'object' || Array.isArray(expected)) {
    if (Array.isArray(expected) && Array.isArray(actual)) {
      return (
        expected.length === actual.length &&
        expected.every((item, index) => contains(actual[index], item))
      );
    }
    return isDeepStrictEqual(actual, expected);
  }
  if (actual === null || typeof actual !== 'object') return false;
  return Object.entries(expected).every(([key, value]) =>
    contains((actual as Record<string, unknown>)[key], value),
  );
}

/**
 * Drives a saga definition with fake replies and checks the commands it sends
 * and where it ends: no Kafka, no database (in the spirit of Eventuate's
 * SagaUnitTestSupport). Replies are checked against their contracts, so a test
 * cannot feed the saga a reply a real participant could not send. Failures
 * throw plain errors: it works under any test runner.
 */
export class SagaTestHarness<TData, TContext> {
  readonly clock = new ManualClock();
  private readonly engine: SagaEngine<TData, TContext>;
  private current: SagaState<TData> | undefined;
  private readonly sent: SagaCommand[] = [];
  private checked = 0;

  constructor(
    definition: SagaDefinition<TData, TContext>,
    private readonly context: TContext,
  ) {
    this.engine = new SagaEngine(definition, this.clock);
  }

  get state(): SagaState<TData> {
    if (!this.current) throw new Error('start the saga first');
    return this.current;
  }

  /** Every command sent so far. */
  get commands(): readonly SagaCommand[] {
    return this.sent;
  }

  async start(data: TData, id = '0190f5a2-7b1c-7d4e-8f00-00000000cafe'): Promise<this> {
    return this.apply(this.engine.start(id, data, this.context));
  }

  async reply<TReply>(
    definition: MessageDefinition<string, TReply>,
    data: NoInfer<TReply>,
  ): Promise<this> {
    const checked = definition.schema.safeParse(data);
    if (!checked.success)
      throw new Error(`the fake reply breaks ${definition.type}: ${checked.error.message}`);
    return this.apply(
      this.engine.handleReply(
        this.state,
        { type: definition.type, data: checked.data },
        this.context,
      ),
    );
  }

  /** Moves the clock and lets the saga react to an expired deadline. */
  async advanceTime(ms: number): Promise<this> {
    this.clock.advance(ms);
    return this.apply(this.engine.handleDeadline(this.state, this.context));
  }

  async cancel(reason: string): Promise<this> {
    return this.apply(this.engine.cancel(this.state, reason, this.context));
  }

  /** The next command not yet checked is `definition`, with data containing `data`. */
  expectCommand(definition: MessageDefinition<string, unknown>, data?: unknown): this {
    const command = this.sent[this.checked];
    if (!command) throw new Error(`expected ${definition.type}, but no further command was sent`);
    if (command.type !== definition.type) {
      throw new Error(`expected ${definition.type}, but the saga sent ${command.type}`);
    }
    const valid = definition.schema.safeParse(command.data);
    if (!valid.success)
      throw new Error(`${command.type} breaks its contract: ${valid.error.message}`);
    if (data !== undefined && !contains(command.data, data)) {
      throw new Error(
        `${command.type} has data ${JSON.stringify(command.data)}, expected ${JSON.stringify(data)}`,
      );
    }
    this.checked += 1;
    return this;
  }

  expectNoFurtherCommand(): this {
    const extra = this.sent.slice(this.checked).map((command) => command.type);
    if (extra.length > 0)
      throw new Error(`expected no further command, but the saga sent ${extra.join(', ')}`);
    return this;
  }

  expectStatus(status: SagaStatus, reason?: string): this {
    if (this.state.status !== status)
      throw new Error(`expected ${status}, but the saga is ${this.state.status}`);
    if (reason !== undefined && this.state.outcomeReason !== reason) {
      throw new Error(`expected the reason "${reason}", got "${this.state.outcomeReason}"`);
    }
    return this;
  }

  private async apply(
    transition: Promise<{ state: SagaState<TData>; commands: SagaCommand[] }>,
  ): Promise<this> {
    const { state, commands } = await transition;
    this.current = state;
    this.sent.push(...commands);
    return this;
  }
}
