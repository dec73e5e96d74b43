import {
  AuthorizePaymentFailedV1,
  AuthorizePaymentSucceededV1,
  AuthorizePaymentV1,
  CapturePaymentFailedV1,
  CapturePaymentSucceededV1,
  CapturePaymentV1,
  CommitStockSucceededV1,
  CommitStockV1,
  ReleaseStockFailedV1,
  ReleaseStockSucceededV1,
  ReleaseStockV1,
  ReserveStockFailedV1,
  ReserveStockSucceededV1,
  ReserveStockV1,
  VoidPaymentSucceededV1,
  VoidPaymentV1,
} from '@shop/contracts';
import { SagaTestHarness } from '../testing/saga-test-harness';
import { defineSaga } from './saga-builder';
import { repliesOf } from './saga-definition';
import { SagaEngine } from './saga-engine';
import { SagaNotCancellableError } from './saga-not-cancellable.error';

interface OrderSagaData {
  orderId: string;
  customerId: string;
  items: { productId: string; quantity: number }[];
  total: { amount: number; currency: string };
  paymentToken: string;
  paymentId?: string;
  rejection?: string;
}

/** What the saga's local steps touch: here, a record of what happened to the order. */
interface OrderContext {
  events: string[];
}

const deadline = { timeoutMs: 10_000, maxResends: 1 };

// The shape of the CreateOrder saga of ARCHITECTURE.md, as a saga reads in this DSL.
const createOrderSaga = defineSaga<OrderSagaData, OrderContext>('CreateOrder', { deadline })
  .step('reserveStock')
  .invokeParticipant(ReserveStockV1, (data) => ({ orderId: data.orderId, items: data.items }))
  .onReply(ReserveStockSucceededV1)
  .onFailureReply(ReserveStockFailedV1, (data, reply) => ({ ...data, rejection: reply.reason }))
  .withCompensation(ReleaseStockV1, (data) => ({ orderId: data.orderId }), ReleaseStockSucceededV1)
  .onCompensationFailureReply(ReleaseStockFailedV1)
  .step('authorizePayment')
  .invokeParticipant(AuthorizePaymentV1, (data) => ({
    orderId: data.orderId,
    customerId: data.customerId,
    amount: data.total,
    paymentMethodToken: data.paymentToken,
  }))
  .onReply(AuthorizePaymentSucceededV1, (data, reply) => ({ ...data, paymentId: reply.paymentId }))
  .onFailureReply(AuthorizePaymentFailedV1, (data, reply) => ({
    ...data,
    rejection: `payment ${reply.reason}`,
  }))
  .withCompensation(VoidPaymentV1, (data) => ({ orderId: data.orderId }), VoidPaymentSucceededV1)
  .step('approveOrder')
  .invokeLocal(async (_data, context) => {
    context.events.push('approved');
  })
  .pivot()
  .step('capturePayment')
  .invokeParticipant(CapturePaymentV1, (data) => ({ orderId: data.orderId }))
  .onReply(CapturePaymentSucceededV1)
  .onFailureReply(CapturePaymentFailedV1)
  .retriable()
  .step('commitStock')
  .invokeParticipant(CommitStockV1, (data) => ({ orderId: data.orderId }))
  .onReply(CommitStockSucceededV1)
  .retriable()
  .rejectionReason((data) => data.rejection ?? 'the order could not be completed')
  .onRejected(async (_data, context, outcome) => {
    context.events.push(`rejected: ${outcome.reason}`);
  })
  .onCancelled(async (_data, context) => {
    context.events.push('cancelled');
  })
  .onCompleted(async (_data, context) => {
    context.events.push('completed');
  })
  .build();

const orderId = '0190f5a2-7b1c-7d4e-8f00-000000000001';
const customerId = '0190f5a2-7b1c-7d4e-8f00-000000000002';
const paymentId = '0190f5a2-7b1c-7d4e-8f00-000000000003';
const productId = '0190f5a2-7b1c-7d4e-8f00-0000000000aa';
const items = [{ productId, quantity: 2 }];
const total = { amount: 2_400, currency: 'EUR' };
const start: OrderSagaData = { orderId, customerId, items, total, paymentToken: 'tok_visa' };

const harness = () => new SagaTestHarness(createOrderSaga, { events: [] as string[] });

async function throughPayment() {
  const saga = await harness().start(start);
  await saga
    .expectCommand(ReserveStockV1, { orderId, items })
    .reply(ReserveStockSucceededV1, { orderId, items });
  return saga.expectCommand(AuthorizePaymentV1, {
    orderId,
    amount: total,
    paymentMethodToken: 'tok_visa',
  });
}

describe('SagaEngine, driven through the CreateOrder definition', () => {
  it('completes: reserve, authorize, approve (pivot), capture, commit', async () => {
    const context = { events: [] as string[] };
    const saga = new SagaTestHarness(createOrderSaga, context);
    await saga.start(start);
    await saga.expectCommand(ReserveStockV1).reply(ReserveStockSucceededV1, { orderId, items });
    await saga
      .expectCommand(AuthorizePaymentV1)
      .reply(AuthorizePaymentSucceededV1, { orderId, paymentId, amount: total });
    await saga
      .expectCommand(CapturePaymentV1, { orderId })
      .reply(CapturePaymentSucceededV1, { orderId, paymentId });
    await saga.expectCommand(CommitStockV1, { orderId }).reply(CommitStockSucceededV1, { orderId });

    saga.expectStatus('COMPLETED').expectNoFurtherCommand();
    expect(context.events).toEqual(['approved', 'completed']);
    expect(saga.state.data.paymentId).toBe(paymentId);
    expect(saga.state.timeline.map(({ step, event }) => `${step ?? '-'} ${event}`)).toEqual([
      '- started',
      'reserveStock command-sent',
      'reserveStock reply-received',
      'reserveStock step-succeeded',
      'authorizePayment command-sent',
      'authorizePayment reply-received',
      'authorizePayment step-succeeded',
      'approveOrder local-step-done',
      'approveOrder step-succeeded',
      'capturePayment command-sent',
      'capturePayment reply-received',
      'capturePayment step-succeeded',
      'commitStock command-sent',
      'commitStock reply-received',
      'commitStock step-succeeded',
      '- completed',
    ]);
  });

  it('is rejected without compensations when the first step fails', async () => {
    const saga = await harness().start(start);
    await saga.expectCommand(ReserveStockV1).reply(ReserveStockFailedV1, {
      orderId,
      reason: 'insufficient stock',
      shortages: [{ productId, requested: 2, available: 1 }],
    });

    saga.expectStatus('REJECTED', 'insufficient stock').expectNoFurtherCommand();
  });

  it('releases the stock when the payment is declined, then is rejected with the reason', async () => {
    const saga = await throughPayment();
    await saga.reply(AuthorizePaymentFailedV1, {
      orderId,
      reason: 'declined',
      message: 'card declined',
    });
    saga.expectStatus('COMPENSATING').expectCommand(ReleaseStockV1, { orderId });
    await saga.reply(ReleaseStockSucceededV1, { orderId });

    saga.expectStatus('REJECTED', 'payment declined').expectNoFurtherCommand();
  });

  it('tells the rejection hook why', async () => {
    const context = { events: [] as string[] };
    const saga = new SagaTestHarness(createOrderSaga, context);
    await saga.start(start);
    await saga.expectCommand(ReserveStockV1).reply(ReserveStockFailedV1, {
      orderId,
      reason: 'insufficient stock',
      shortages: [{ productId, requested: 2, available: 0 }],
    });

    expect(context.events).toEqual(['rejected: insufficient stock']);
  });

  it('re-sends a command without a reply, then fails it and compensates it too, in reverse order', async () => {
    const saga = await throughPayment();
    await saga.advanceTime(9_999);
    saga.expectNoFurtherCommand();
    await saga.advanceTime(1);
    saga.expectCommand(AuthorizePaymentV1); // the one re-send allowed
    await saga.advanceTime(10_000);

    // The authorization may have happened: void it, then release the stock.
    saga.expectCommand(VoidPaymentV1, { orderId }).expectStatus('COMPENSATING');
    await saga.reply(VoidPaymentSucceededV1, { orderId, paymentId: null });
    saga.expectCommand(ReleaseStockV1, { orderId });
    await saga.reply(ReleaseStockSucceededV1, { orderId });
    saga.expectStatus('REJECTED', 'authorizePayment did not answer in time');
  });

  it('retries a compensation until it succeeds', async () => {
    const saga = await throughPayment();
    await saga.reply(AuthorizePaymentFailedV1, {
      orderId,
      reason: 'insufficient_funds',
      message: 'no funds',
    });
    saga.expectCommand(ReleaseStockV1);
    await saga.reply(ReleaseStockFailedV1, { orderId, reason: 'catalog busy' });
    saga.expectNoFurtherCommand(); // not hammered: the re-send waits for the deadline
    await saga.advanceTime(10_000);
    await saga.advanceTime(10_000);
    await saga.advanceTime(10_000);
    saga.expectCommand(ReleaseStockV1).expectCommand(ReleaseStockV1).expectCommand(ReleaseStockV1);
    await saga.reply(ReleaseStockSucceededV1, { orderId });

    saga.expectStatus('REJECTED', 'payment insufficient_funds').expectNoFurtherCommand();
    expect(
      saga.state.timeline
        .filter(({ event }) => event === 'compensation-failed')
        .map(({ step, detail }) => ({ step, detail })),
    ).toEqual([
      { step: 'reserveStock', detail: `${ReleaseStockFailedV1.type}; re-sent at the deadline` },
    ]);
  });

  it('names every reply the definition waits for, compensations’ included, once each', () => {
    expect(repliesOf(createOrderSaga).map(({ type }) => type)).toEqual([
      ReserveStockSucceededV1.type,
      ReserveStockFailedV1.type,
      ReleaseStockSucceededV1.type,
      ReleaseStockFailedV1.type,
      AuthorizePaymentSucceededV1.type,
      AuthorizePaymentFailedV1.type,
      VoidPaymentSucceededV1.type,
      CapturePaymentSucceededV1.type,
      CapturePaymentFailedV1.type,
      CommitStockSucceededV1.type,
    ]);
  });

  it('after the pivot, retries a failed or silent step at its deadline until it succeeds, and never compensates', async () => {
    const saga = await throughPayment();
    await saga.reply(AuthorizePaymentSucceededV1, { orderId, paymentId, amount: total });
    saga.expectCommand(CapturePaymentV1);
    await saga.reply(CapturePaymentFailedV1, { orderId, reason: 'provider unavailable' });
    saga.expectNoFurtherCommand(); // not hammered: the re-send waits for the deadline
    await saga.advanceTime(10_000);
    await saga.advanceTime(10_000);
    await saga.advanceTime(10_000);
    saga
      .expectCommand(CapturePaymentV1)
      .expectCommand(CapturePaymentV1)
      .expectCommand(CapturePaymentV1);
    await saga.reply(CapturePaymentSucceededV1, { orderId, paymentId });

    saga.expectCommand(CommitStockV1).expectStatus('RUNNING');
    expect(saga.commands.some((command) => command.compensation)).toBe(false);
  });

  it('cancels before the pivot: compensates the step in flight and the completed ones', async () => {
    const context = { events: [] as string[] };
    const saga = new SagaTestHarness(createOrderSaga, context);
    await saga.start(start);
    await saga.expectCommand(ReserveStockV1).reply(ReserveStockSucceededV1, { orderId, items });
    saga.expectCommand(AuthorizePaymentV1);
    await saga.cancel('customer changed their mind');
    saga.expectCommand(VoidPaymentV1).expectStatus('COMPENSATING');
    await expect(saga.cancel('twice')).rejects.toBeInstanceOf(SagaNotCancellableError);
    await saga.reply(VoidPaymentSucceededV1, { orderId, paymentId: null });
    saga.expectCommand(ReleaseStockV1);
    // The authorization's reply arrives late: recorded, ignored.
    await saga.reply(AuthorizePaymentSucceededV1, { orderId, paymentId, amount: total });
    await saga.reply(ReleaseStockSucceededV1, { orderId });

    saga.expectStatus('CANCELLED', 'customer changed their mind').expectNoFurtherCommand();
    expect(context.events).toEqual(['cancelled']);
    expect(saga.state.timeline.filter(({ event }) => event === 'late-reply-ignored')).toHaveLength(
      1,
    );
  });

  it('refuses to cancel after the pivot', async () => {
    const saga = await throughPayment();
    await saga.reply(AuthorizePaymentSucceededV1, { orderId, paymentId, amount: total });

    await expect(saga.cancel('too late')).rejects.toBeInstanceOf(SagaNotCancellableError);
  });

  it('ignores a duplicate reply for a step it already finished', async () => {
    const saga = await throughPayment();
    await saga.reply(ReserveStockSucceededV1, { orderId, items });

    saga.expectStatus('RUNNING').expectNoFurtherCommand();
    expect(saga.state.awaiting?.command).toBe(AuthorizePaymentV1.type);
  });

  it('continues from stored state (a JSON round trip) and never mutates the state it was given', async () => {
    const engine = new SagaEngine(createOrderSaga);
    const context = { events: [] as string[] };
    const { state: started } = await engine.start(orderId, start, context);
    const stored = JSON.parse(JSON.stringify(started));
    const snapshot = JSON.stringify(stored);

    const { state, commands } = await engine.handleReply(
      stored,
      { type: ReserveStockSucceededV1.type, data: { orderId, items } },
      context,
    );

    expect(JSON.stringify(stored)).toBe(snapshot);
    expect(commands.map((command) => command.type)).toEqual([AuthorizePaymentV1.type]);
    expect(state.stepIndex).toBe(1);
  });
});

describe('defineSaga validation', () => {
  it.each([
    [
      'two pivots',
      () =>
        defineSaga('S')
          .step('a')
          .invokeLocal(async () => undefined)
          .pivot()
          .step('b')
          .invokeLocal(async () => undefined)
          .pivot()
          .build(),
      /one pivot/,
    ],
    [
      'a retriable step before the pivot',
      () =>
        defineSaga('S')
          .step('a')
          .invokeLocal(async () => undefined)
          .retriable()
          .build(),
      /only steps after the pivot/,
    ],
    [
      'a step after the pivot that is not retriable',
      () =>
        defineSaga('S')
          .step('a')
          .invokeLocal(async () => undefined)
          .pivot()
          .step('b')
          .invokeLocal(async () => undefined)
          .build(),
      /must be retriable/,
    ],
    [
      'a participant step without onReply',
      () =>
        defineSaga('S')
          .step('a')
          .invokeParticipant(CommitStockV1, () => ({ orderId }))
          .build(),
      /onReply is missing/,
    ],
    [
      'a step that invokes nothing',
      () => defineSaga('S').step('a').build(),
      /invoke a participant or a local action/,
    ],
  ])('refuses %s', (_case, build, message) => {
    expect(build).toThrow(message);
  });
});
