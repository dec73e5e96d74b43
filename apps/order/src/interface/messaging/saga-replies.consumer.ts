import { Controller } from '@nestjs/common';
import { type InboxContext, OnMessage } from '@shop/messaging';
import { type EntityManager } from 'typeorm';
import { CREATE_ORDER_SAGA_REPLIES } from '../../application/create-order-saga/create-order.saga';
import { CreateOrderSagaOrchestrator } from '../../application/create-order-saga/create-order-saga.orchestrator';

/**
 * Participants' replies on `order.saga-replies`, handed to the saga in the
 * inbox transaction: the saga's new state, its next commands and the
 * "processed" record commit together. It subscribes to the replies the saga's
 * definition declares, so a new step needs no handler here. A reply for no
 * known saga is not retried: it goes to the dead-letter topic with the reason.
 */
@Controller()
export class SagaRepliesConsumer {
  constructor(private readonly saga: CreateOrderSagaOrchestrator) {}

  @OnMessage(...CREATE_ORDER_SAGA_REPLIES)
  async onReply(
    _reply: unknown,
    { envelope, transaction }: InboxContext<EntityManager>,
  ): Promise<void> {
    await this.saga.handleReply(transaction, envelope);
  }
}
