import { Injectable } from '@nestjs/common';
import {
  AuthorizePaymentFailedV1,
  AuthorizePaymentSucceededV1,
  CapturePaymentFailedV1,
  CapturePaymentSucceededV1,
  CommitStockFailedV1,
  CommitStockSucceededV1,
  type ParsedMessage,
  ReleaseStockFailedV1,
  ReleaseStockSucceededV1,
  ReserveStockFailedV1,
  ReserveStockSucceededV1,
  VoidPaymentFailedV1,
  VoidPaymentSucceededV1,
} from '@shop/contracts';
import { HandlesMessage } from '@shop/messaging';
import { type EntityManager } from 'typeorm';
import { CreateOrderSagaOrchestrator } from '../../application/create-order-saga/create-order-saga.orchestrator';

/**
 * Participants' replies on `order.saga-replies`, handed to the saga in the
 * inbox transaction: the saga's new state, its next commands and the
 * "processed" record commit together. A reply for no known saga is not
 * retried: it goes to the dead-letter topic with the reason.
 */
@Injectable()
export class SagaRepliesConsumer {
  constructor(private readonly saga: CreateOrderSagaOrchestrator) {}

  @HandlesMessage(ReserveStockSucceededV1)
  async onReserveStockSucceeded(message: ParsedMessage, manager: EntityManager): Promise<void> {
    await this.saga.handleReply(manager, message.envelope);
  }

  @HandlesMessage(ReserveStockFailedV1)
  async onReserveStockFailed(message: ParsedMessage, manager: EntityManager): Promise<void> {
    await this.saga.handleReply(manager, message.envelope);
  }

  @HandlesMessage(ReleaseStockSucceededV1)
  async onReleaseStockSucceeded(message: ParsedMessage, manager: EntityManager): Promise<void> {
    await this.saga.handleReply(manager, message.envelope);
  }

  @HandlesMessage(ReleaseStockFailedV1)
  async onReleaseStockFailed(message: ParsedMessage, manager: EntityManager): Promise<void> {
    await this.saga.handleReply(manager, message.envelope);
  }

  @HandlesMessage(CommitStockSucceededV1)
  async onCommitStockSucceeded(message: ParsedMessage, manager: EntityManager): Promise<void> {
    await this.saga.handleReply(manager, message.envelope);
  }

  @HandlesMessage(CommitStockFailedV1)
  async onCommitStockFailed(message: ParsedMessage, manager: EntityManager): Promise<void> {
    await this.saga.handleReply(manager, message.envelope);
  }

  @HandlesMessage(AuthorizePaymentSucceededV1)
  async onAuthorizePaymentSucceeded(message: ParsedMessage, manager: EntityManager): Promise<void> {
    await this.saga.handleReply(manager, message.envelope);
  }

  @HandlesMessage(AuthorizePaymentFailedV1)
  async onAuthorizePaymentFailed(message: ParsedMessage, manager: EntityManager): Promise<void> {
    await this.saga.handleReply(manager, message.envelope);
  }

  @HandlesMessage(VoidPaymentSucceededV1)
  async onVoidPaymentSucceeded(message: ParsedMessage, manager: EntityManager): Promise<void> {
    await this.saga.handleReply(manager, message.envelope);
  }

  @HandlesMessage(VoidPaymentFailedV1)
  async onVoidPaymentFailed(message: ParsedMessage, manager: EntityManager): Promise<void> {
    await this.saga.handleReply(manager, message.envelope);
  }

  @HandlesMessage(CapturePaymentSucceededV1)
  async onCapturePaymentSucceeded(message: ParsedMessage, manager: EntityManager): Promise<void> {
    await this.saga.handleReply(manager, message.envelope);
  }

  @HandlesMessage(CapturePaymentFailedV1)
  async onCapturePaymentFailed(message: ParsedMessage, manager: EntityManager): Promise<void> {
    await this.saga.handleReply(manager, message.envelope);
  }
}
