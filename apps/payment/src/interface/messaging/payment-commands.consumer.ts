import { Injectable } from '@nestjs/common';
import {
  AuthorizePaymentFailedV1,
  AuthorizePaymentSucceededV1,
  AuthorizePaymentV1,
  CapturePaymentFailedV1,
  CapturePaymentSucceededV1,
  CapturePaymentV1,
  type MessageDefinition,
  type MessageEnvelope,
  type ParsedMessage,
  RefundPaymentFailedV1,
  RefundPaymentSucceededV1,
  RefundPaymentV1,
  VoidPaymentFailedV1,
  VoidPaymentSucceededV1,
  VoidPaymentV1,
} from '@shop/contracts';
import { HandlesMessage, MessagePublisher } from '@shop/messaging';
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

type FailureReply = MessageDefinition<string, { orderId: string; reason: string }>;

/**
 * The payment service as a saga participant: each command of payment.commands
 * runs in its inbox transaction and always ends in a reply on
 * order.saga-replies, written to the outbox in that same transaction. A
 * refusal (a domain rule, or the provider's definite "no") is a failure reply
 * whose reason starts with its stable code; anything else (the database, a
 * version conflict) is thrown, so the consumer retries the whole command.
 */
@Injectable()
export class PaymentCommandsConsumer {
  constructor(
    private readonly authorizePayment: AuthorizePaymentHandler,
    private readonly capturePayment: CapturePaymentHandler,
    private readonly voidPayment: VoidPaymentHandler,
    private readonly refundPayment: RefundPaymentHandler,
    private readonly publisher: MessagePublisher,
  ) {}

  @HandlesMessage(AuthorizePaymentV1)
  async authorize(message: ParsedMessage, manager: EntityManager): Promise<void> {
    const command = message.envelope as AuthorizePaymentCommand;
    const payment = await this.authorizePayment.execute(manager, command);
    // A repeat of the command gets the first answer, whatever happened to the payment since.
    if (payment.wasAuthorized) {
      await this.publisher.publishCausedBy(manager, command, AuthorizePaymentSucceededV1, {
        orderId: payment.orderId,
        paymentId: payment.id,
        amount: payment.amount,
      });
      return;
    }
    const failure = payment.failure;
    if (!failure) throw new Error(`payment ${payment.id} is ${payment.status} without a failure`);
    await this.publisher.publishCausedBy(manager, command, AuthorizePaymentFailedV1, {
      orderId: payment.orderId,
      reason: failure.reason,
      message: failure.message,
    });
  }

  @HandlesMessage(CapturePaymentV1)
  async capture(message: ParsedMessage, manager: EntityManager): Promise<void> {
    const command = message.envelope as CapturePaymentCommand;
    await this.reply(
      manager,
      command,
      CapturePaymentSucceededV1,
      CapturePaymentFailedV1,
      async () => {
        const payment = await this.capturePayment.execute(manager, command);
        return { orderId: payment.orderId, paymentId: payment.id };
      },
    );
  }

  @HandlesMessage(VoidPaymentV1)
  async void(message: ParsedMessage, manager: EntityManager): Promise<void> {
    const command = message.envelope as VoidPaymentCommand;
    await this.reply(manager, command, VoidPaymentSucceededV1, VoidPaymentFailedV1, async () => {
      const payment = await this.voidPayment.execute(manager, command);
      return { orderId: command.data.orderId, paymentId: payment?.id ?? null };
    });
  }

  @HandlesMessage(RefundPaymentV1)
  async refund(message: ParsedMessage, manager: EntityManager): Promise<void> {
    const command = message.envelope as RefundPaymentCommand;
    await this.reply(
      manager,
      command,
      RefundPaymentSucceededV1,
      RefundPaymentFailedV1,
      async () => {
        const payment = await this.refundPayment.execute(manager, command);
        return { orderId: payment.orderId, paymentId: payment.id };
      },
    );
  }

  private async reply<TSucceeded>(
    manager: EntityManager,
    command: MessageEnvelope<{ orderId: string }>,
    succeeded: MessageDefinition<string, TSucceeded>,
    failed: FailureReply,
    work: () => Promise<TSucceeded>,
  ): Promise<void> {
    let result: TSucceeded;
    try {
      result = await work();
    } catch (error) {
      // Both are raised before anything is written, so the transaction can still commit the reply.
      if (!(error instanceof PaymentDomainError || error instanceof PaymentProviderError))
        throw error;
      await this.publisher.publishCausedBy(manager, command, failed, {
        orderId: command.data.orderId,
        reason: `${error.code}: ${error.message}`,
      });
      return;
    }
    await this.publisher.publishCausedBy(manager, command, succeeded, result);
  }
}
