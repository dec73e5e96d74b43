import {
  AuthorizePaymentSucceededV1,
  AuthorizePaymentV1,
  CapturePaymentSucceededV1,
  CapturePaymentV1,
  createMessage,
  type MessageDefinition,
  ReleaseStockSucceededV1,
  ReleaseStockV1,
  ReserveStockFailedV1,
  ReserveStockSucceededV1,
  ReserveStockV1,
} from '@shop/contracts';
import { MESSAGING_MIGRATIONS, NonRetriableError } from '@shop/messaging';
import { TestPostgresDatabase } from '@shop/testing';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager, type MigrationInterface, type QueryRunner } from 'typeorm';
import { defineSaga, ManualClock, SagaEngine } from '../src';
import {
  SAGA_MIGRATIONS,
  SagaConcurrencyError,
  SagaOrchestrator,
  TypeormSagaStore,
} from '../src/typeorm';

class CreateOrders1764201600400 implements MigrationInterface {
  name = 'CreateOrders1764201600400';
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('CREATE TABLE orders (id uuid PRIMARY KEY, status text NOT NULL)');
  }
  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE orders');
  }
}

interface Data {
  orderId: string;
  items: { productId: string; quantity: number }[];
}

const productId = '0190f5a2-7b1c-7d4e-8f00-0000000000aa';
const items = [{ productId, quantity: 1 }];
const total = { amount: 1_000, currency: 'EUR' };
const deadline = { timeoutMs: 5_000, maxResends: 1 };

// Local steps change the order in the same transaction as the saga's state.
const setStatus = (status: string) => async (data: Data, manager: EntityManager) => {
  await manager.query('UPDATE orders SET status = $2 WHERE id = $1', [data.orderId, status]);
};

const saga = defineSaga<Data, EntityManager>('CreateOrder', { deadline })
  .step('reserveStock')
  .invokeParticipant(ReserveStockV1, (data) => ({ orderId: data.orderId, items: data.items }))
  .onReply(ReserveStockSucceededV1)
  .onFailureReply(ReserveStockFailedV1)
  .withCompensation(ReleaseStockV1, (data) => ({ orderId: data.orderId }), ReleaseStockSucceededV1)
  .step('authorizePayment')
  .invokeParticipant(AuthorizePaymentV1, (data) => ({
    orderId: data.orderId,
    customerId: data.orderId,
    amount: total,
    paymentMethodToken: 'tok_visa',
  }))
  .onReply(AuthorizePaymentSucceededV1)
  .step('approveOrder')
  .invokeLocal(setStatus('APPROVED'))
  .pivot()
  .step('capturePayment')
  .invokeParticipant(CapturePaymentV1, (data) => ({ orderId: data.orderId }))
  .onReply(CapturePaymentSucceededV1)
  .retriable()
  .onRejected(setStatus('REJECTED'))
  .onCancelled(setStatus('CANCELLED'))
  .build();

describe('SagaOrchestrator (real PostgreSQL)', () => {
  let database: TestPostgresDatabase;
  let dataSource: DataSource;
  const clock = new ManualClock();
  const orchestrator = () =>
    new SagaOrchestrator<Data, EntityManager>({
      engine: new SagaEngine(saga, clock),
      source: 'order',
      contextFor: (manager) => manager,
    });

  beforeAll(async () => {
    database = await TestPostgresDatabase.create('saga-orchestrator');
    dataSource = new DataSource({
      type: 'postgres',
      url: database.url,
      migrations: [...MESSAGING_MIGRATIONS, ...SAGA_MIGRATIONS, CreateOrders1764201600400],
    });
    await dataSource.initialize();
    await dataSource.runMigrations();
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  const outbox = async (orderId: string) =>
    (
      await dataSource.query<
        { type: string; payload: { correlationId: string; causationId: string | null } }[]
      >('SELECT type, payload FROM outbox_messages WHERE partition_key = $1 ORDER BY sequence', [
        orderId,
      ])
    ).map((row) => ({
      type: row.type,
      correlationId: row.payload.correlationId,
      causationId: row.payload.causationId,
    }));

  const orderStatus = async (orderId: string) =>
    (
      await dataSource.query<{ status: string }[]>('SELECT status FROM orders WHERE id = $1', [
        orderId,
      ])
    )[0]?.status;

  /** The id of the last command the saga sent: what a participant's reply names as its cause. */
  const lastCommandId = async (orderId: string): Promise<string | undefined> =>
    (
      await dataSource.query<{ id: string }[]>(
        'SELECT id FROM outbox_messages WHERE partition_key = $1 ORDER BY sequence DESC LIMIT 1',
        [orderId],
      )
    )[0]?.id;

  /** A participant's reply to the saga's last command (or to `causationId`). */
  const replyTo = async <T>(
    orderId: string,
    definition: MessageDefinition<string, T>,
    data: NoInfer<T>,
    causationId?: string,
  ) =>
    createMessage(definition, data, {
      source: 'participant',
      correlationId: orderId,
      causationId: causationId ?? (await lastCommandId(orderId)) ?? null,
    }).envelope;

  async function placeOrder(): Promise<string> {
    const orderId = randomUUID();
    await dataSource.transaction(async (manager) => {
      await manager.query("INSERT INTO orders (id, status) VALUES ($1, 'PENDING')", [orderId]);
      await orchestrator().start(manager, orderId, { orderId, items });
    });
    return orderId;
  }

  it('stores the saga and queues its first command in the caller transaction, or neither', async () => {
    const orderId = await placeOrder();
    const rolledBack = randomUUID();
    const failing = dataSource.transaction(async (manager) => {
      await orchestrator().start(manager, rolledBack, { orderId: rolledBack, items });
      throw new Error('the order could not be saved');
    });
    await expect(failing).rejects.toThrow('could not be saved');

    expect(await outbox(orderId)).toEqual([
      { type: ReserveStockV1.type, correlationId: orderId, causationId: null },
    ]);
    expect(await outbox(rolledBack)).toEqual([]);
    expect(
      await dataSource.transaction((manager) => orchestrator().get(manager, rolledBack)),
    ).toBeUndefined();
  });

  it('advances on a reply (a fresh orchestrator continues from the stored state) and runs the pivot in the same transaction', async () => {
    const orderId = await placeOrder();
    const reserved = await replyTo(orderId, ReserveStockSucceededV1, { orderId, items });
    await dataSource.transaction((manager) => orchestrator().handleReply(manager, reserved));
    const authorized = await replyTo(orderId, AuthorizePaymentSucceededV1, {
      orderId,
      paymentId: randomUUID(),
      amount: total,
    });
    const state = await dataSource.transaction((manager) =>
      orchestrator().handleReply(manager, authorized),
    );

    expect(state.pivotPassed).toBe(true);
    expect(await orderStatus(orderId)).toBe('APPROVED');
    expect(await outbox(orderId)).toEqual([
      { type: ReserveStockV1.type, correlationId: orderId, causationId: null },
      { type: AuthorizePaymentV1.type, correlationId: orderId, causationId: reserved.id },
      { type: CapturePaymentV1.type, correlationId: orderId, causationId: authorized.id },
    ]);
  });

  it('refuses to save a transition computed from a state someone else has changed since (optimistic locking)', async () => {
    const orderId = await placeOrder();
    const store = new TypeormSagaStore();
    const engine = new SagaEngine(saga, clock);
    const read = await store.find<Data>(dataSource.manager, 'CreateOrder', orderId);
    if (!read) throw new Error('the saga was not stored');
    const reply = { type: ReserveStockSucceededV1.type, data: { orderId, items } };
    const next = await engine.handleReply(read.state, reply, dataSource.manager);

    await dataSource.transaction((manager) => store.save(manager, read, next.state));
    const stale = dataSource.transaction((manager) => store.save(manager, read, next.state));

    await expect(stale).rejects.toBeInstanceOf(SagaConcurrencyError);
    expect((await store.find(dataSource.manager, 'CreateOrder', orderId))?.version).toBe(2);
  });

  it('re-sends on a passed deadline, then compensates and rejects, all through the deadline poller', async () => {
    const orderId = await placeOrder();
    const reserved = await replyTo(orderId, ReserveStockSucceededV1, { orderId, items });
    await dataSource.transaction((manager) => orchestrator().handleReply(manager, reserved));
    const early = await orchestrator().processDueDeadlines(dataSource);
    clock.advance(5_000);
    await orchestrator().processDueDeadlines(dataSource); // re-send AuthorizePayment
    clock.advance(5_000);
    await orchestrator().processDueDeadlines(dataSource); // give up: compensate
    const released = await replyTo(orderId, ReleaseStockSucceededV1, { orderId });
    await dataSource.transaction((manager) => orchestrator().handleReply(manager, released));
    const state = await dataSource.transaction((manager) => orchestrator().get(manager, orderId));

    expect(early).toEqual({ handled: [], skipped: [], failed: [] });
    expect((await outbox(orderId)).map(({ type }) => type)).toEqual([
      ReserveStockV1.type,
      AuthorizePaymentV1.type,
      AuthorizePaymentV1.type,
      ReleaseStockV1.type,
    ]);
    expect(state?.status).toBe('REJECTED');
    expect(await orderStatus(orderId)).toBe('REJECTED');
  });

  it('cancels a pending order: compensates, and ends CANCELLED through its own hook', async () => {
    const orderId = await placeOrder();
    const reserved = await replyTo(orderId, ReserveStockSucceededV1, { orderId, items });
    await dataSource.transaction((manager) => orchestrator().handleReply(manager, reserved));

    await dataSource.transaction((manager) =>
      orchestrator().cancel(manager, orderId, 'changed my mind'),
    );
    const released = await replyTo(orderId, ReleaseStockSucceededV1, { orderId });
    const state = await dataSource.transaction((manager) =>
      orchestrator().handleReply(manager, released),
    );

    expect(state.status).toBe('CANCELLED');
    expect(state.outcomeReason).toBe('changed my mind');
    expect(await orderStatus(orderId)).toBe('CANCELLED');
  });

  it('refuses, without retries, a reply for a saga it does not have', async () => {
    const stranger = randomUUID();

    const strangers = await replyTo(stranger, ReserveStockSucceededV1, {
      orderId: stranger,
      items,
    });
    const reply = dataSource.transaction((manager) =>
      orchestrator().handleReply(manager, strangers),
    );

    await expect(reply).rejects.toBeInstanceOf(NonRetriableError);
  });

  it('takes a reply only as the answer to the awaited command: another command of the saga is late, none is refused', async () => {
    const orderId = await placeOrder();
    const reserveId = await lastCommandId(orderId);
    const reserved = await replyTo(orderId, ReserveStockSucceededV1, { orderId, items });
    await dataSource.transaction((manager) => orchestrator().handleReply(manager, reserved));
    const authorizeId = await lastCommandId(orderId);

    // Right type, right saga, but it answers no command the saga sent (a forgery, a misroute).
    const forged = await replyTo(
      orderId,
      AuthorizePaymentSucceededV1,
      { orderId, paymentId: randomUUID(), amount: total },
      randomUUID(),
    );
    const refused = dataSource.transaction((manager) =>
      orchestrator().handleReply(manager, forged),
    );
    await expect(refused).rejects.toThrow(/answers no command/);
    await expect(refused).rejects.toBeInstanceOf(NonRetriableError);
    // The reservation's reply again, redelivered late: recorded and ignored, the saga waits on.
    const late = await replyTo(orderId, ReserveStockSucceededV1, { orderId, items }, reserveId);
    const afterLate = await dataSource.transaction((manager) =>
      orchestrator().handleReply(manager, late),
    );
    const authorized = await replyTo(
      orderId,
      AuthorizePaymentSucceededV1,
      { orderId, paymentId: randomUUID(), amount: total },
      authorizeId,
    );
    const afterAnswer = await dataSource.transaction((manager) =>
      orchestrator().handleReply(manager, authorized),
    );

    expect(afterLate.timeline.at(-1)?.event).toBe('late-reply-ignored');
    expect(afterLate.awaiting?.command).toBe(AuthorizePaymentV1.type);
    expect(afterAnswer.pivotPassed).toBe(true);
    expect(await orderStatus(orderId)).toBe('APPROVED');
  });

  it('takes the answer to any send of the awaited command, the first one after a re-send too', async () => {
    const orderId = await placeOrder();
    const firstSend = await lastCommandId(orderId);
    clock.advance(5_000);
    await orchestrator().processDueDeadlines(dataSource); // re-sends ReserveStock
    const resent = await lastCommandId(orderId);

    const answerToFirst = await replyTo(
      orderId,
      ReserveStockSucceededV1,
      { orderId, items },
      firstSend,
    );
    const state = await dataSource.transaction((manager) =>
      orchestrator().handleReply(manager, answerToFirst),
    );

    expect(resent).not.toBe(firstSend);
    expect(state.awaiting?.command).toBe(AuthorizePaymentV1.type);
  });
});
