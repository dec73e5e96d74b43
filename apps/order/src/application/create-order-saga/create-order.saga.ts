import {
  AuthorizePaymentFailedV1,
  AuthorizePaymentSucceededV1,
  AuthorizePaymentV1,
  CapturePaymentFailedV1,
  CapturePaymentSucceededV1,
  CapturePaymentV1,
  CommitStockFailedV1,
  CommitStockSucceededV1,
  CommitStockV1,
  ReleaseStockFailedV1,
  ReleaseStockSucceededV1,
  ReleaseStockV1,
  ReserveStockFailedV1,
  ReserveStockSucceededV1,
  ReserveStockV1,
  VoidPaymentFailedV1,
  VoidPaymentSucceededV1,
  VoidPaymentV1,
} from '@shop/contracts';
import { defineSaga, repliesOf, type SagaDefinition, type StepDeadline } from '@shop/saga';
import { type CreateOrderSagaData, type CreateOrderSagaEffects } from './create-order-saga.data';

export const CREATE_ORDER_SAGA = 'CreateOrder';

const byOrder = (data: CreateOrderSagaData) => ({ orderId: data.orderId });

/**
 * The CreateOrder saga, orchestrated by the order service:
 * reserve stock → authorize payment → approve the order (pivot) → capture
 * the payment and commit the stock (retried until they succeed). A failure
 * before the pivot releases what was done, in reverse order, and rejects
 * the order with the reason.
 */
export function createOrderSaga(
  deadline: StepDeadline,
): SagaDefinition<CreateOrderSagaData, CreateOrderSagaEffects> {
  return defineSaga<CreateOrderSagaData, CreateOrderSagaEffects>(CREATE_ORDER_SAGA, { deadline })
    .step('reserveStock')
    .invokeParticipant(ReserveStockV1, (data) => ({ orderId: data.orderId, items: data.items }))
    .onReply(ReserveStockSucceededV1)
    .onFailureReply(ReserveStockFailedV1, (data, reply) => ({
      ...data,
      rejection: `out of stock: ${reply.reason}`,
    }))
    .withCompensation(ReleaseStockV1, byOrder, ReleaseStockSucceededV1)
    .onCompensationFailureReply(ReleaseStockFailedV1)

    .step('authorizePayment')
    .invokeParticipant(AuthorizePaymentV1, (data) => ({
      orderId: data.orderId,
      customerId: data.customerId,
      amount: data.total,
      paymentMethodToken: data.paymentMethodToken,
    }))
    .onReply(AuthorizePaymentSucceededV1, (data, reply) => ({
      ...data,
      paymentId: reply.paymentId,
    }))
    .onFailureReply(AuthorizePaymentFailedV1, (data, reply) => ({
      ...data,
      rejection: `payment ${reply.reason.replaceAll('_', ' ')}: ${reply.message}`,
    }))
    .withCompensation(VoidPaymentV1, byOrder, VoidPaymentSucceededV1)
    .onCompensationFailureReply(VoidPaymentFailedV1)

    .step('approveOrder')
    .invokeLocal(async (data, effects) => effects.approve(data.orderId))
    .pivot()

    .step('capturePayment')
    .invokeParticipant(CapturePaymentV1, byOrder)
    .onReply(CapturePaymentSucceededV1)
    .onFailureReply(CapturePaymentFailedV1)
    .retriable()

    .step('commitStock')
    .invokeParticipant(CommitStockV1, byOrder)
    .onReply(CommitStockSucceededV1)
    .onFailureReply(CommitStockFailedV1)
    .retriable()

    .rejectionReason((data) => data.rejection ?? 'the order could not be completed')
    .onCompleted(async (data, effects) => effects.completed(data.orderId))
    .onRejected(async (data, effects, { reason }) =>
      effects.reject(data.orderId, reason ?? 'rejected'),
    )
    .onCancelled(async (data, effects, { reason }) =>
      effects.cancel(data.orderId, reason ?? 'cancelled'),
    )
    .build();
}

/**
 * Every reply the saga waits for, read from its definition (the deadlines do
 * not change which replies those are): the types its consumer subscribes to.
 */
export const CREATE_ORDER_SAGA_REPLIES = repliesOf(
  createOrderSaga({ timeoutMs: 1, maxResends: 0 }),
);
