import { Payment } from './payment';
import {
  IllegalPaymentTransitionError,
  InvalidPaymentAmountError,
  PaymentAlreadyCapturedError,
} from './payment.errors';

const t0 = new Date('2026-11-27T10:00:00.000Z');
const t1 = new Date('2026-11-27T10:05:00.000Z');
const t2 = new Date('2026-11-27T10:10:00.000Z');

const newPayment = {
  id: '0190f5a2-7b1c-7d4e-8f00-000000000001',
  orderId: '0190f5a2-7b1c-7d4e-8f00-000000000002',
  customerId: '0190f5a2-7b1c-7d4e-8f00-000000000003',
  amount: { amount: 4_250, currency: 'EUR' },
  at: t0,
};

const authorized = () => Payment.authorized({ ...newPayment, authorizationReference: 'auth_1' });
const captured = () => {
  const payment = authorized();
  payment.capture('cap_1', t1);
  return payment;
};
const declined = () =>
  Payment.declined({
    ...newPayment,
    failure: { reason: 'insufficient_funds', message: 'not enough money' },
    providerReference: 'auth_2',
  });
const failed = () =>
  Payment.failed({ ...newPayment, message: 'timed out twice', providerReference: null });

describe('Payment', () => {
  it('starts authorized, with the authorization in its history', () => {
    const payment = authorized();

    expect(payment.status).toBe('AUTHORIZED');
    expect(payment.authorizationReference).toBe('auth_1');
    expect(payment.version).toBe(1);
    expect(payment.history).toEqual([
      { status: 'AUTHORIZED', occurredAt: t0, providerReference: 'auth_1', reason: null },
    ]);
  });

  it('keeps why a payment was declined or failed', () => {
    expect(declined().failure).toEqual({
      reason: 'insufficient_funds',
      message: 'not enough money',
    });
    expect(declined().history[0]?.reason).toBe('insufficient_funds: not enough money');
    expect(failed().status).toBe('FAILED');
    expect(failed().failure?.reason).toBe('provider_unavailable');
    expect(failed().wasAuthorized).toBe(false);
  });

  it('refuses amounts that are not whole minor units of an ISO currency', () => {
    expect(() =>
      Payment.authorized({
        ...newPayment,
        amount: { amount: 10.5, currency: 'EUR' },
        authorizationReference: 'a',
      }),
    ).toThrow(InvalidPaymentAmountError);
    expect(() =>
      Payment.authorized({
        ...newPayment,
        amount: { amount: 100, currency: 'euro' },
        authorizationReference: 'a',
      }),
    ).toThrow(InvalidPaymentAmountError);
  });

  it('captures an authorized payment once; a second capture has nothing to do', () => {
    const payment = authorized();

    expect(payment.planCapture()).toBe('call-provider');
    payment.capture('cap_1', t1);

    expect(payment.status).toBe('CAPTURED');
    expect(payment.planCapture()).toBe('already-done');
    expect(() => payment.capture('cap_2', t2)).toThrow(IllegalPaymentTransitionError);
    expect(
      payment.history.map(({ status, providerReference }) => [status, providerReference]),
    ).toEqual([
      ['AUTHORIZED', 'auth_1'],
      ['CAPTURED', 'cap_1'],
    ]);
  });

  it('voids an authorized payment; voiding again, or voiding a declined one, has nothing to do', () => {
    const payment = authorized();

    expect(payment.planVoid()).toBe('call-provider');
    payment.void('void_1', t1);

    expect(payment.status).toBe('VOIDED');
    expect(payment.planVoid()).toBe('already-done');
    expect(declined().planVoid()).toBe('already-done');
    expect(failed().planVoid()).toBe('already-done');
  });

  it('refuses to void a captured (or refunded) payment, with a stable code', () => {
    const payment = captured();

    expect(() => payment.planVoid()).toThrow(PaymentAlreadyCapturedError);
    expect(() => payment.void('void_1', t2)).toThrow(
      expect.objectContaining({ code: 'payment-already-captured' }),
    );
    payment.refund('ref_1', t2, 'order cancelled');
    expect(() => payment.planVoid()).toThrow(PaymentAlreadyCapturedError);
    expect(payment.status).toBe('REFUNDED');
  });

  it('refunds only a captured payment, once', () => {
    const payment = captured();

    expect(payment.planRefund()).toBe('call-provider');
    payment.refund('ref_1', t2, 'order cancelled');

    expect(payment.planRefund()).toBe('already-done');
    expect(payment.history[2]).toEqual({
      status: 'REFUNDED',
      occurredAt: t2,
      providerReference: 'ref_1',
      reason: 'order cancelled',
    });
    expect(() => authorized().planRefund()).toThrow(/nothing was captured/);
    expect(() => declined().planRefund()).toThrow(IllegalPaymentTransitionError);
  });

  it('refuses to capture a payment that was voided, declined or failed', () => {
    const voided = authorized();
    voided.void('void_1', t1);

    for (const payment of [voided, declined(), failed()]) {
      expect(() => payment.planCapture()).toThrow(
        expect.objectContaining({ code: 'illegal-payment-transition' }),
      );
    }
  });

  it('tracks what is new since it was loaded, and does not share its state', () => {
    const stored = Payment.restore(captured().snapshot());

    stored.refund('ref_1', t2, 'order cancelled');
    const snapshot = stored.snapshot();
    snapshot.history.pop();

    expect(stored.storedVersion).toBe(2);
    expect(stored.version).toBe(3);
    expect(stored.unsavedTransitions.map(({ status }) => status)).toEqual(['REFUNDED']);
    expect(authorized().unsavedTransitions).toHaveLength(1);
  });
});
