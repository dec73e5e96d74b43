import { Inject, Injectable } from '@nestjs/common';
import { type CapturePaymentV1, type DataOf, PaymentCapturedV1 } from '@shop/contracts';
import { type InboxContext } from '@shop/messaging';
import { type EntityManager } from 'typeorm';
import { type Payment } from '../../domain/payment';
import { PaymentNotFoundError } from '../../domain/payment.errors';
import { PaymentTypeormRepository } from '../../infrastructure/persistence/payment.typeorm-repository';
import { paymentEventData } from '../payment-event-data';
import { PAYMENT_PROVIDER, type PaymentProvider } from '../ports/payment-provider.port';
import { idempotencyKey } from '../provider-calls/idempotency-key';
import { ProviderCallPolicy } from '../provider-calls/provider-call.policy';

export type CapturePaymentCommand = DataOf<typeof CapturePaymentV1>;

/**
 * Captures an order's authorized amount, at most once: a captured payment
 * answers a repeat as it is, and the provider's idempotency key makes a
 * retried capture act once. Throws a domain error when the payment cannot be
 * captured (none, voided, declined, failed).
 */
@Injectable()
export class CapturePaymentHandler {
  constructor(
    @Inject(PAYMENT_PROVIDER) private readonly provider: PaymentProvider,
    private readonly providerCalls: ProviderCallPolicy,
  ) {}

  async execute(
    command: CapturePaymentCommand,
    context: InboxContext<EntityManager>,
  ): Promise<Payment> {
    const manager = context.transaction;
    const { orderId } = command;
    const payments = new PaymentTypeormRepository(manager);
    await payments.lockOrder(orderId);
    const payment = await payments.findByOrderId(orderId);
    if (!payment) throw new PaymentNotFoundError(`order ${orderId} has no payment to capture`);
    if (payment.planCapture() === 'already-done') return payment;

    const { reference } = await this.providerCalls.call('capture', (signal) =>
      this.provider.capture(
        {
          idempotencyKey: idempotencyKey('capture', orderId),
          authorizationReference: payment.requireAuthorizationReference(),
          amount: payment.amount,
        },
        signal,
      ),
    );
    payment.capture(reference, new Date());
    await payments.update(payment);
    await context.publish(PaymentCapturedV1, paymentEventData(payment));
    return payment;
  }
}
