import { Injectable } from '@nestjs/common';
import { SagaNotCancellableError } from '@shop/saga';
import { SagaConcurrencyError } from '@shop/saga/typeorm';
import { DataSource } from 'typeorm';
import { OrderNotCancellableError, OrderNotFoundError } from '../../domain/order.errors';
import { OrderTypeormRepository } from '../../infrastructure/persistence/order.typeorm-repository';
import { CreateOrderSagaOrchestrator } from '../create-order-saga/create-order-saga.orchestrator';

export const CANCELLED_BY_CUSTOMER = 'cancelled by the customer';
const MAX_ATTEMPTS = 5;

/**
 * A customer cancels a PENDING order: the saga compensates what it did (void
 * the authorization, release the stock) and the order ends CANCELLED. Once
 * approved (the saga's pivot) an order is not cancellable: 409.
 */
@Injectable()
export class CancelOrderHandler {
  constructor(
    private readonly dataSource: DataSource,
    private readonly saga: CreateOrderSagaOrchestrator,
  ) {}

  async execute(orderId: string, customerId: string): Promise<{ orderId: string; status: string }> {
    // A reply (or a deadline) may move the saga between our read and our write: its optimistic
    // lock refuses our stale write, and we decide again on the new state.
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.attempt(orderId, customerId);
      } catch (error) {
        if (!(error instanceof SagaConcurrencyError) || attempt >= MAX_ATTEMPTS) throw error;
      }
    }
  }

  private attempt(
    orderId: string,
    customerId: string,
  ): Promise<{ orderId: string; status: string }> {
    return this.dataSource.transaction(async (manager) => {
      // The lock orders this cancel with the saga's own transitions of the same order.
      const order = await new OrderTypeormRepository(manager).findById(orderId, { lock: true });
      if (!order || order.customerId !== customerId) throw new OrderNotFoundError();
      order.assertCancellable();
      try {
        await this.saga.cancel(manager, orderId, CANCELLED_BY_CUSTOMER);
      } catch (error) {
        if (error instanceof SagaNotCancellableError) {
          throw new OrderNotCancellableError('being rejected');
        }
        throw error;
      }
      return { orderId, status: order.status };
    });
  }
}
