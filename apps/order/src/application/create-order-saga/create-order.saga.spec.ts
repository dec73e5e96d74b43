import {
  AuthorizePaymentFailedV1,
  AuthorizePaymentSucceededV1,
  AuthorizePaymentV1,
  CapturePaymentFailedV1,
  CapturePaymentSucceededV1,
  CapturePaymentV1,
  CommitStockSucceededV1,
  CommitStockV1,
  ReleaseStockSucceededV1,
  ReleaseStockV1,
  ReserveStockFailedV1,
  ReserveStockSucceededV1,
  ReserveStockV1,
  VoidPaymentSucceededV1,
  VoidPaymentV1,
} from '@shop/contracts';
import { SagaNotCancellableError, SagaTestHarness } from '@shop/saga';
import { type CreateOrderSagaData, type CreateOrderSagaEffects } from './create-order-saga.data';
import { createOrderSaga } from './create-order.saga';

/** The order as the saga's effects leave it: an in-memory stand-in for the order table. */
class RecordedEffects implements CreateOrderSagaEffects {
  readonly calls: string[] = [];
  async approve(orderId: string): Promise<void> {
    this.calls.push(`approve ${orderId}`);
  }
  async completed(orderId: string): Promise<void> {
    this.calls.push(`completed ${orderId}`);
  }
  async reject(orderId: string, reason: string): Promise<void> {
    this.calls.push(`reject ${orderId}: ${reason}`);
  }
  async cancel(orderId: string, reason: string): Promise<void> {
    this.calls.push(`cancel ${orderId}: ${reason}`);
  }
}

const orderId = '0190f5a2-7b1c-7d4e-8f00-00000000cafe';
const productA = '0190f5a2-7b1c-7d4e-8f00-0000000000a1';
const productB = '0190f5a2-7b1c-7d4e-8f00-0000000000b2';
const paymentId = '0190f5a2-7b1c-7d4e-8f00-0000000000f1';
const items = [
  { productId: productA, quantity: 2 },
  { productId: productB, quantity: 1 },
];
const total = { amount: 4_997, currency: 'EUR' };
const data: CreateOrderSagaData = {
  orderId,
  customerId: '0190f5a2-7b1c-7d4e-8f00-0000000000c1',
  items,
  total,
  paymentMethodToken: 'tok_visa',
};
const deadline = { timeoutMs: 10_000, maxResends: 2 };

async function started() {
  const effects = new RecordedEffects();
  const saga = await new SagaTestHarness(createOrderSaga(deadline), effects).start(data, orderId);
  return { saga, effects };
}

async function reservedAndAuthorized() {
  const run = await started();
  await run.saga.expectCommand(ReserveStockV1).reply(ReserveStockSucceededV1, { orderId, items });
  await run.saga
    .expectCommand(AuthorizePaymentV1)
    .reply(AuthorizePaymentSucceededV1, { orderId, paymentId, amount: total });
  return run;
}

describe('CreateOrder saga', () => {
  it('happy path: reserve, authorize, approve (pivot), then capture and commit', async () => {
    const { saga, effects } = await started();
    await saga
      .expectCommand(ReserveStockV1, { orderId, items })
      .reply(ReserveStockSucceededV1, { orderId, items });
    await saga
      .expectCommand(AuthorizePaymentV1, { orderId, amount: total, paymentMethodToken: 'tok_visa' })
      .reply(AuthorizePaymentSucceededV1, { orderId, paymentId, amount: total });
    expect(effects.calls).toEqual([`approve ${orderId}`]);
    await saga.expectCommand(CapturePaymentV1, { orderId }).reply(CapturePaymentSucceededV1, {
      orderId,
      paymentId,
    });
    await saga.expectCommand(CommitStockV1, { orderId }).reply(CommitStockSucceededV1, { orderId });
    saga.expectStatus('COMPLETED').expectNoFurtherCommand();
    expect(effects.calls).toEqual([`approve ${orderId}`, `completed ${orderId}`]);
    expect(saga.state.data.paymentId).toBe(paymentId);
    expect(saga.state.timeline.map((entry) => entry.event)).toContain('local-step-done');
  });

  it('out of stock: nothing to compensate, the order is rejected with the shortage', async () => {
    const { saga, effects } = await started();
    await saga.expectCommand(ReserveStockV1).reply(ReserveStockFailedV1, {
      orderId,
      reason: `product ${productB}: requested 1, available 0`,
      shortages: [{ productId: productB, requested: 1, available: 0 }],
    });
    saga
      .expectStatus('REJECTED', `out of stock: product ${productB}: requested 1, available 0`)
      .expectNoFurtherCommand();
    expect(effects.calls).toEqual([
      `reject ${orderId}: out of stock: product ${productB}: requested 1, available 0`,
    ]);
  });

  it('payment declined: the stock is released, then the order is rejected', async () => {
    const { saga, effects } = await started();
    await saga.expectCommand(ReserveStockV1).reply(ReserveStockSucceededV1, { orderId, items });
    await saga.expectCommand(AuthorizePaymentV1).reply(AuthorizePaymentFailedV1, {
      orderId,
      reason: 'insufficient_funds',
      message: 'the card has insufficient funds',
    });
    expect(effects.calls).toEqual([]);
    await saga
      .expectCommand(ReleaseStockV1, { orderId })
      .reply(ReleaseStockSucceededV1, { orderId });
    saga
      .expectStatus('REJECTED', 'payment insufficient funds: the card has insufficient funds')
      .expectNoFurtherCommand();
    expect(effects.calls).toEqual([
      `reject ${orderId}: payment insufficient funds: the card has insufficient funds`,
    ]);
  });

  it('participant timeout: re-sends the command, then gives up and compensates in reverse order', async () => {
    const { saga, effects } = await started();
    await saga.expectCommand(ReserveStockV1).reply(ReserveStockSucceededV1, { orderId, items });
    saga.expectCommand(AuthorizePaymentV1);
    await saga.advanceTime(10_000);
    await saga.advanceTime(10_000);
    saga.expectCommand(AuthorizePaymentV1).expectCommand(AuthorizePaymentV1);
    await saga.advanceTime(10_000);
    // The authorization may have happened without a reply: void it, then release the stock.
    await saga.expectCommand(VoidPaymentV1).reply(VoidPaymentSucceededV1, {
      orderId,
      paymentId: null,
    });
    await saga.expectCommand(ReleaseStockV1).reply(ReleaseStockSucceededV1, { orderId });
    saga
      .expectStatus('REJECTED', 'authorizePayment did not answer in time')
      .expectNoFurtherCommand();
    expect(effects.calls).toEqual([`reject ${orderId}: authorizePayment did not answer in time`]);
  });

  it('a compensation without a reply is re-sent until it succeeds', async () => {
    const { saga } = await started();
    await saga.expectCommand(ReserveStockV1).reply(ReserveStockSucceededV1, { orderId, items });
    await saga.expectCommand(AuthorizePaymentV1).reply(AuthorizePaymentFailedV1, {
      orderId,
      reason: 'declined',
      message: 'the card was declined',
    });
    saga.expectCommand(ReleaseStockV1);
    for (let resend = 0; resend < 5; resend += 1) {
      await saga.advanceTime(10_000);
      saga.expectCommand(ReleaseStockV1);
    }
    saga.expectStatus('COMPENSATING');
    await saga.reply(ReleaseStockSucceededV1, { orderId });
    saga.expectStatus('REJECTED', 'payment declined: the card was declined');
  });

  it('cancel while pending: compensates the step in flight and ends CANCELLED', async () => {
    const { saga, effects } = await started();
    await saga.expectCommand(ReserveStockV1).reply(ReserveStockSucceededV1, { orderId, items });
    saga.expectCommand(AuthorizePaymentV1);
    await saga.cancel('cancelled by the customer');
    await saga.expectCommand(VoidPaymentV1).reply(VoidPaymentSucceededV1, { orderId, paymentId });
    await saga.expectCommand(ReleaseStockV1).reply(ReleaseStockSucceededV1, { orderId });
    saga.expectStatus('CANCELLED', 'cancelled by the customer').expectNoFurtherCommand();
    expect(effects.calls).toEqual([`cancel ${orderId}: cancelled by the customer`]);
  });

  it('cannot be cancelled after the pivot', async () => {
    const { saga } = await reservedAndAuthorized();
    await expect(saga.cancel('too late')).rejects.toThrow(SagaNotCancellableError);
    saga.expectStatus('RUNNING');
  });

  it('duplicate and late replies change nothing', async () => {
    const { saga, effects } = await reservedAndAuthorized();
    saga.expectCommand(CapturePaymentV1);
    await saga.reply(ReserveStockSucceededV1, { orderId, items });
    await saga.reply(AuthorizePaymentSucceededV1, { orderId, paymentId, amount: total });
    saga.expectStatus('RUNNING').expectNoFurtherCommand();
    expect(effects.calls).toEqual([`approve ${orderId}`]);
    expect(
      saga.state.timeline.filter((entry) => entry.event === 'late-reply-ignored'),
    ).toHaveLength(2);
  });

  it('after the pivot a failed capture is re-sent at the next deadline, never compensated', async () => {
    const { saga } = await reservedAndAuthorized();
    await saga.expectCommand(CapturePaymentV1).reply(CapturePaymentFailedV1, {
      orderId,
      reason: 'provider unavailable',
    });
    saga.expectStatus('RUNNING').expectNoFurtherCommand();
    await saga.advanceTime(10_000);
    await saga
      .expectCommand(CapturePaymentV1)
      .reply(CapturePaymentSucceededV1, { orderId, paymentId });
    await saga.expectCommand(CommitStockV1).reply(CommitStockSucceededV1, { orderId });
    saga.expectStatus('COMPLETED').expectNoFurtherCommand();
  });
});
