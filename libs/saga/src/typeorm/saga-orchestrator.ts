import {
  createMessage,
  findMessageDefinition,
  type MessageEnvelope,
  type OutgoingMessage,
} from '@shop/contracts';
import { NonRetriableError, TypeormOutboxWriter } from '@shop/messaging';
import { type DataSource, type EntityManager } from 'typeorm';
import { type SagaEngine } from '../lib/saga-engine';
import { type SagaCommand, type SagaState, type SagaTransition } from '../lib/saga-state';
import { SagaConcurrencyError } from './saga-concurrency.error';
import { type StoredSaga, TypeormSagaStore } from './typeorm-saga.store';

/** Command ids a saga remembers for telling late replies from foreign ones. */
const MAX_REMEMBERED_COMMANDS = 100;

export interface SagaOrchestratorOptions<TData, TContext> {
  engine: SagaEngine<TData, TContext>;
  /** The orchestrating service: the commands' `source`. */
  source: string;
  /** The context local steps get, built on the transaction's EntityManager. */
  contextFor: (manager: EntityManager) => TContext;
}

/** What one round of the deadline poller did. */
export interface DeadlineRound {
  handled: string[];
  /** Changed by someone else meanwhile (another replica's poller, a reply): picked up next round. */
  skipped: string[];
  /** Failed for another reason: reported, and retried next round without blocking the others. */
  failed: { sagaId: string; error: Error }[];
}

/**
 * Runs a saga on the orchestrator's PostgreSQL: every transition (start,
 * reply, deadline, cancel) loads the instance, applies the engine, saves it
 * with optimistic locking and writes the commands to the outbox, all with the
 * caller's EntityManager, i.e. in one transaction with the inbox record of the
 * reply that caused it. A crash at any point leaves either the old state (the
 * reply is redelivered) or the new state with its commands queued.
 */
export class SagaOrchestrator<TData, TContext> {
  private readonly store = new TypeormSagaStore();
  private readonly outbox = new TypeormOutboxWriter();
  constructor(private readonly options: SagaOrchestratorOptions<TData, TContext>) {}

  async start(
    manager: EntityManager,
    id: string,
    data: TData,
    trace: { traceparent?: string } = {},
  ): Promise<SagaState<TData>> {
    const transition = await this.options.engine.start(id, data, this.options.contextFor(manager));
    const messages = this.messagesOf(transition, { causationId: null, ...trace }, undefined);
    await this.store.insert(manager, transition.state);
    await this.outbox.append(manager, messages);
    return transition.state;
  }

  /**
   * A reply from a participant; `correlationId` names the saga, `causationId`
   * the command it answers. Taken only as the answer to a send of the awaited
   * command; a reply to an earlier command of the saga is late (recorded,
   * ignored). A reply for no saga, or to no command the saga sent, is never
   * retried: it goes to the dead-letter topic with the reason.
   */
  async handleReply(manager: EntityManager, reply: MessageEnvelope): Promise<SagaState<TData>> {
    const stored = await this.load(manager, reply.correlationId);
    const { sentCommandIds, awaiting } = stored.state;
    const answered = { type: reply.type, data: reply.data };
    if (sentCommandIds && !awaiting?.commandIds?.includes(reply.causationId ?? '')) {
      if (!reply.causationId || !sentCommandIds.includes(reply.causationId)) {
        throw new NonRetriableError(
          `${reply.type} ${reply.id} answers no command of ${this.type} saga ${stored.state.id} ` +
            `(causation ${reply.causationId ?? 'none'})`,
        );
      }
      return this.commit(
        manager,
        stored,
        this.options.engine.ignoreLateReply(stored.state, answered),
        { causationId: reply.id },
      );
    }
    const transition = await this.options.engine.handleReply(
      stored.state,
      answered,
      this.options.contextFor(manager),
    );
    return this.commit(manager, stored, transition, {
      causationId: reply.id,
      ...(reply.traceparent ? { traceparent: reply.traceparent } : {}),
    });
  }

  async cancel(manager: EntityManager, id: string, reason: string): Promise<SagaState<TData>> {
    const stored = await this.load(manager, id);
    const transition = await this.options.engine.cancel(
      stored.state,
      reason,
      this.options.contextFor(manager),
    );
    return this.commit(manager, stored, transition, { causationId: null });
  }

  async get(manager: EntityManager, id: string): Promise<SagaState<TData> | undefined> {
    return (await this.store.find<TData>(manager, this.type, id))?.state;
  }

  /**
   * Applies expired deadlines, each saga in its own transaction. Run it
   * periodically (every few seconds) in every replica: a saga another poller
   * or a reply changed meanwhile is skipped (optimistic locking), and one
   * failing saga never blocks the others.
   */
  async processDueDeadlines(dataSource: DataSource, limit = 50): Promise<DeadlineRound> {
    const round: DeadlineRound = { handled: [], skipped: [], failed: [] };
    const due = await this.store.findDue(
      dataSource.manager,
      this.type,
      this.options.engine.clock.now(),
      limit,
    );
    for (const id of due) {
      try {
        await dataSource.transaction(async (manager) => {
          const stored = await this.load(manager, id);
          const transition = await this.options.engine.handleDeadline(
            stored.state,
            this.options.contextFor(manager),
          );
          await this.commit(manager, stored, transition, { causationId: null });
        });
        round.handled.push(id);
      } catch (error) {
        if (error instanceof SagaConcurrencyError) round.skipped.push(id);
        else
          round.failed.push({
            sagaId: id,
            error: error instanceof Error ? error : new Error(String(error)),
          });
      }
    }
    return round;
  }

  private get type(): string {
    return this.options.engine.definition.type;
  }

  private async load(manager: EntityManager, id: string): Promise<StoredSaga<TData>> {
    const stored = await this.store.find<TData>(manager, this.type, id);
    if (!stored) throw new NonRetriableError(`no ${this.type} saga ${id}`);
    return stored;
  }

  private async commit(
    manager: EntityManager,
    stored: StoredSaga<TData>,
    transition: SagaTransition<TData>,
    cause: { causationId: string | null; traceparent?: string },
  ): Promise<SagaState<TData>> {
    const messages = this.messagesOf(transition, cause, stored.state);
    await this.store.save(manager, stored, transition.state);
    await this.outbox.append(manager, messages);
    return transition.state;
  }

  /**
   * The transition's commands as messages, their ids written into the new
   * state (before it is saved): every command in `sentCommandIds`, and the
   * awaited one's sends in `awaiting.commandIds`, kept across re-sends.
   */
  private messagesOf(
    transition: SagaTransition<TData>,
    cause: { causationId: string | null; traceparent?: string },
    previous: SagaState<TData> | undefined,
  ): OutgoingMessage[] {
    const { state } = transition;
    const messages = transition.commands.map((command) => this.toMessage(state.id, command, cause));
    // A saga stored before replies were checked goes on without ids (previous has none).
    if (previous && !previous.sentCommandIds) return messages;
    // The latest ones: a step after the pivot re-sent for days must not grow the state forever
    // (a reply to a command older than these is refused, not ignored).
    state.sentCommandIds = [
      ...(previous?.sentCommandIds ?? []),
      ...messages.map((message) => message.envelope.id),
    ].slice(-MAX_REMEMBERED_COMMANDS);
    const awaiting = state.awaiting;
    if (awaiting) {
      const before = previous?.awaiting;
      const sameAwait =
        before?.stepIndex === awaiting.stepIndex &&
        before.kind === awaiting.kind &&
        before.command === awaiting.command;
      const sent = messages
        .filter((message) => message.envelope.type === awaiting.command)
        .map((message) => message.envelope.id);
      awaiting.commandIds = [...(sameAwait ? (before.commandIds ?? []) : []), ...sent].slice(
        -MAX_REMEMBERED_COMMANDS,
      );
    }
    return messages;
  }

  private toMessage(
    sagaId: string,
    command: SagaCommand,
    cause: { causationId: string | null; traceparent?: string },
  ): OutgoingMessage {
    const definition = findMessageDefinition(command.type);
    if (!definition) throw new Error(`saga command ${command.type} has no contract`);
    return createMessage(definition, command.data, {
      source: this.options.source,
      correlationId: sagaId,
      ...cause,
    });
  }
}
