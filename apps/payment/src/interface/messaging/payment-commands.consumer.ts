import { Controller } from '@nestjs/common';
import {
  AuthorizePaymentFailedV1,
  AuthorizePaymentSucceededV1,
  AuthorizePaymentV1,
  CapturePaymentFailedV1,
  CapturePaymentSucceededV1,
  CapturePaymentV1,
  type MessageDefinition,
  RefundPaymentFailedV1,
  RefundPaymentSucceededV1,
  RefundPaymentV1,
  VoidPaymentFailedV1,
  VoidPaymentSucceededV1,
  VoidPaymentV1,
} from '@shop/contracts';
import {
  type InboxContext,
  OnCommand,
  type RefusalMapper,
  reply,
  type Reply,
} from '@shop/messaging';
import { type EntityManager } from 'typeorm';
import {
  type AuthorizePaymentCommand,
  AuthorizePaymentHandler,
} from '../../application/authorize-payment/authorize-payment.handler';
import {
  type CapturePaymentCommand,
  CapturePaymentHandler,
} from '../../application/capture-payment/capture-payment.handler';
import { PaymentProviderError } from '../../application/ports/payment-provider.errors';
import {
  type RefundPaymentCommand,
  RefundPaymentHandler,
} from '../../application/refund-payment/refund-payment.handler';
import {
  type VoidPaymentCommand,
  VoidPaymentHandler,
} from '../../application/void-payment/void-payment.handler';
import { PaymentDomainError } from '../../domain/payment.errors';

/**
 * A refusal (a domain rule, or the provider's definite "no") is answered with
 * the failure reply, its reason starting with the stable code; anything else
 * (the database, a version conflict) is not a refusal, and the command is
 * retried. Both kinds of refusal are raised before anything is written, so
 * the transaction still commits the reply.
 */
const refusedWith =
  (
    failed: MessageDefinition<string, { orderId: string; reason: string }>,
  ): RefusalMapper<{ orderId: string }> =>
  (error, command) =>
    error instanceof PaymentDomainError || error instanceof PaymentProviderError
      ? reply(failed, { orderId: command.orderId, reason: `${error.code}: ${error.message}` })
      : undefined;

type Context = InboxContext<EntityManager>;

/**
 * The payment service as a saga participant: each command of payment.commands
 * runs in its inbox transaction and returns its reply on order.saga-replies,
 * which the transport writes to the outbox in that same transaction.
 */
@Controller()
export class PaymentCommandsConsumer {
  constructor(
    private readonly authorizePayment: AuthorizePaymentHandler,
    private readonly capturePayment: CapturePaymentHandler,
    private readonly voidPayment: VoidPaymentHandler,
    private readonly refundPayment: RefundPaymentHandler,
  ) {}

  @OnCommand(AuthorizePaymentV1)
  async authorize(command: AuthorizePaymentCommand, context: Context): Promise<Reply> {
    const payment = await this.authorizePayment.execute(command, context);
    // A repeat of the command gets the first answer, whatever happened to the payment since.
    if (payment.wasAuthorized) {
      return reply(AuthorizePaymentSucceededV1, {
        orderId: payment.orderId,
        paymentId: payment.id,
        amount: payment.amount,
      });
    }
    const failure = payment.failure;
    if (!failure) throw new Error(`payment ${payment.id} is ${payment.status} without a failure`);
    return reply(AuthorizePaymentFailedV1, {
      orderId: payment.orderId,
      reason: failure.reason,
      message: failure.message,
    });
  }

  @OnCommand(CapturePaymentV1, { refusal: refusedWith(CapturePaymentFailedV1) })
  async capture(command: CapturePaymentCommand, context: Context): Promise<Reply> {
    const payment = await this.capturePayment.execute(command, context);
    return reply(CapturePaymentSucceededV1, { orderId: payment.orderId, paymentId: payment.id });
  }

  @OnCommand(VoidPaymentV1, { refusal: refusedWith(VoidPaymentFailedV1) })
  async void(command: VoidPaymentCommand, context: Context): Promise<Reply> {
    const payment = await this.voidPayment.execute(command, context);
    return reply(VoidPaymentSucceededV1, {
      orderId: command.orderId,
      paymentId: payment?.id ?? null,
    });
  }

  @OnCommand(RefundPaymentV1, { refusal: refusedWith(RefundPaymentFailedV1) })
  async refund(command: RefundPaymentCommand, context: Context): Promise<Reply> {
    const payment = await this.refundPayment.execute(command, context);
    return reply(RefundPaymentSucceededV1, { orderId: payment.orderId, paymentId: payment.id });
  }
}
