import { Inject, Injectable } from '@nestjs/common';
import { type DataOf, PaymentVoidedV1, type VoidPaymentV1 } from '@shop/contracts';
import { type InboxContext } from '@shop/messaging';
import { type EntityManager } from 'typeorm';
import { type Payment } from '../../domain/payment';
import { PaymentTypeormRepository } from '../../infrastructure/persistence/payment.typeorm-repository';
import { paymentEventData } from '../payment-event-data';
import { PAYMENT_PROVIDER, type PaymentProvider } from '../ports/payment-provider.port';
import { idempotencyKey } from '../provider-calls/idempotency-key';
import { ProviderCallPolicy } from '../provider-calls/provider-call.policy';

export type VoidPaymentCommand = DataOf<typeof VoidPaymentV1>;

/**
 * The saga's compensation of an authorization: afterwards the order holds no
 * money. Returns undefined when the order has no payment (nothing to void),
 * the payment as it is when it holds none (already voided, declined, failed),
 * and throws PaymentAlreadyCapturedError when it was captured: that needs a
 * refund, which a compensation must not decide on its own.
 */
@Injectable()
export class VoidPaymentHandler {
  constructor(
    @Inject(PAYMENT_PROVIDER) private readonly provider: PaymentProvider,
    private readonly providerCalls: ProviderCallPolicy,
  ) {}

  async execute(
    command: VoidPaymentCommand,
    context: InboxContext<EntityManager>,
  ): Promise<Payment | undefined> {
    const manager = context.transaction;
    const { orderId } = command;
    const payments = new PaymentTypeormRepository(manager);
    await payments.lockOrder(orderId);
    const payment = await payments.findByOrderId(orderId);
    if (!payment || payment.planVoid() === 'already-done') return payment;

    const { reference } = await this.providerCalls.call('void', (signal) =>
      this.provider.void(
        {
          idempotencyKey: idempotencyKey('void', orderId),
          authorizationReference: payment.requireAuthorizationReference(),
        },
        signal,
      ),
    );
    payment.void(reference, new Date());
    await payments.update(payment);
    await context.publish(PaymentVoidedV1, paymentEventData(payment));
    return payment;
  }
}
