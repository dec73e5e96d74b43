import { Inject, Injectable } from '@nestjs/common';
import { type DataOf, PaymentRefundedV1, type RefundPaymentV1 } from '@shop/contracts';
import { type InboxContext } from '@shop/messaging';
import { type EntityManager } from 'typeorm';
import { type Payment } from '../../domain/payment';
import { PaymentNotFoundError } from '../../domain/payment.errors';
import { PaymentTypeormRepository } from '../../infrastructure/persistence/payment.typeorm-repository';
import { paymentEventData } from '../payment-event-data';
import { PAYMENT_PROVIDER, type PaymentProvider } from '../ports/payment-provider.port';
import { idempotencyKey } from '../provider-calls/idempotency-key';
import { ProviderCallPolicy } from '../provider-calls/provider-call.policy';

export type RefundPaymentCommand = DataOf<typeof RefundPaymentV1>;

/**
 * Refunds a captured payment in full (e.g. an order cancelled after capture),
 * at most once. Throws a domain error when nothing was captured.
 */
@Injectable()
export class RefundPaymentHandler {
  constructor(
    @Inject(PAYMENT_PROVIDER) private readonly provider: PaymentProvider,
    private readonly providerCalls: ProviderCallPolicy,
  ) {}

  async execute(
    command: RefundPaymentCommand,
    context: InboxContext<EntityManager>,
  ): Promise<Payment> {
    const manager = context.transaction;
    const { orderId, reason } = command;
    const payments = new PaymentTypeormRepository(manager);
    await payments.lockOrder(orderId);
    const payment = await payments.findByOrderId(orderId);
    if (!payment) throw new PaymentNotFoundError(`order ${orderId} has no payment to refund`);
    if (payment.planRefund() === 'already-done') return payment;

    const { reference } = await this.providerCalls.call('refund', (signal) =>
      this.provider.refund(
        {
          idempotencyKey: idempotencyKey('refund', orderId),
          authorizationReference: payment.requireAuthorizationReference(),
          amount: payment.amount,
        },
        signal,
      ),
    );
    payment.refund(reference, new Date(), reason);
    await payments.update(payment);
    await context.publish(PaymentRefundedV1, paymentEventData(payment));
    return payment;
  }
}
