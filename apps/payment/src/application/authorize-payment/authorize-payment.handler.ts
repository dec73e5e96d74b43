import { Inject, Injectable } from '@nestjs/common';
import {
  type AuthorizePaymentV1,
  type DataOf,
  PaymentAuthorizedV1,
  PaymentDeclinedV1,
} from '@shop/contracts';
import { type InboxContext } from '@shop/messaging';
import { type EntityManager } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { Payment } from '../../domain/payment';
import { PaymentTypeormRepository } from '../../infrastructure/persistence/payment.typeorm-repository';
import { paymentEventData } from '../payment-event-data';
import {
  PaymentProviderRefusedError,
  PaymentProviderUnavailableError,
} from '../ports/payment-provider.errors';
import { PAYMENT_PROVIDER, type PaymentProvider } from '../ports/payment-provider.port';
import { idempotencyKey } from '../provider-calls/idempotency-key';
import { ProviderCallPolicy } from '../provider-calls/provider-call.policy';

export type AuthorizePaymentCommand = DataOf<typeof AuthorizePaymentV1>;

/**
 * Authorizes an order's amount, at most once per order. Commands about one
 * order are serialised (an advisory lock) and a payment already stored for the
 * order is the answer to any repeat. When the provider gives no definite
 * answer within the attempts allowed, it may still hold an authorization whose
 * answer was lost: the authorization is reversed (by its idempotency key)
 * before the payment is stored FAILED, so a failed payment never holds money.
 * If the reversal cannot be made either, this throws: nothing is stored, and
 * the command is retried later with the same keys.
 */
@Injectable()
export class AuthorizePaymentHandler {
  constructor(
    @Inject(PAYMENT_PROVIDER) private readonly provider: PaymentProvider,
    private readonly providerCalls: ProviderCallPolicy,
  ) {}

  async execute(
    command: AuthorizePaymentCommand,
    context: InboxContext<EntityManager>,
  ): Promise<Payment> {
    const manager = context.transaction;
    const { orderId } = command;
    const payments = new PaymentTypeormRepository(manager);
    await payments.lockOrder(orderId);
    const existing = await payments.findByOrderId(orderId);
    if (existing) return existing;

    const payment = await this.authorize(command);
    await payments.insert(payment);
    if (payment.status === 'AUTHORIZED') {
      await context.publish(PaymentAuthorizedV1, paymentEventData(payment));
    } else if (payment.status === 'DECLINED' && payment.failure) {
      await context.publish(PaymentDeclinedV1, {
        ...paymentEventData(payment),
        reason: payment.failure.reason,
      });
    }
    return payment;
  }

  private async authorize(data: AuthorizePaymentCommand): Promise<Payment> {
    const started = {
      id: uuidv7(),
      orderId: data.orderId,
      customerId: data.customerId,
      amount: data.amount,
    };
    const authorizationKey = idempotencyKey('authorize', data.orderId);
    try {
      const answer = await this.providerCalls.call('authorize', (signal) =>
        this.provider.authorize(
          {
            idempotencyKey: authorizationKey,
            orderId: data.orderId,
            amount: data.amount,
            paymentMethodToken: data.paymentMethodToken,
          },
          signal,
        ),
      );
      return answer.outcome === 'approved'
        ? Payment.authorized({
            ...started,
            at: new Date(),
            authorizationReference: answer.authorizationReference,
          })
        : Payment.declined({
            ...started,
            at: new Date(),
            failure: { reason: answer.reason, message: answer.message },
            providerReference: answer.providerReference,
          });
    } catch (error) {
      if (error instanceof PaymentProviderRefusedError) {
        // The provider refused the request itself: the payment method cannot be used as given.
        return Payment.declined({
          ...started,
          at: new Date(),
          failure: { reason: 'invalid_payment_method', message: error.message },
          providerReference: null,
        });
      }
      if (!(error instanceof PaymentProviderUnavailableError)) throw error;
      const reversal = await this.providerCalls.call('reverse', (signal) =>
        this.provider.reverseAuthorization(
          {
            idempotencyKey: idempotencyKey('reverse', data.orderId),
            authorizationIdempotencyKey: authorizationKey,
          },
          signal,
        ),
      );
      return Payment.failed({
        ...started,
        at: new Date(),
        message: error.message,
        providerReference: reversal.reference,
      });
    }
  }
}
