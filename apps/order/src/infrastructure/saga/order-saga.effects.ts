import { OrderApprovedV1, OrderCancelledV1, OrderRejectedV1 } from '@shop/contracts';
import { type MessagePublisher } from '@shop/messaging';
import { type EntityManager } from 'typeorm';
import { type CreateOrderSagaEffects } from '../../application/create-order-saga/create-order-saga.data';
import { CREATE_ORDER_SAGA } from '../../application/create-order-saga/create-order.saga';
import { type Order } from '../../domain/order';
import { OrderTypeormRepository } from '../persistence/order.typeorm-repository';
import { type SagaMetrics } from './saga.metrics';

/** What the saga does to an order, in the transaction of the saga's transition. */
export class OrderSagaEffects implements CreateOrderSagaEffects {
  private readonly orders: OrderTypeormRepository;

  constructor(
    private readonly manager: EntityManager,
    private readonly publisher: MessagePublisher,
    private readonly metrics: SagaMetrics,
  ) {
    this.orders = new OrderTypeormRepository(manager);
  }

  async approve(orderId: string): Promise<void> {
    const order = await this.load(orderId);
    order.approve(new Date());
    await this.orders.saveStatus(order);
    await this.publisher.publish(
      this.manager,
      OrderApprovedV1,
      { orderId, customerId: order.customerId },
      { correlationId: orderId },
    );
  }

  async completed(orderId: string): Promise<void> {
    const order = await this.load(orderId);
    this.ended(order, 'completed');
  }

  async reject(orderId: string, reason: string): Promise<void> {
    const order = await this.load(orderId);
    order.reject(reason, new Date());
    await this.orders.saveStatus(order);
    await this.publisher.publish(
      this.manager,
      OrderRejectedV1,
      { orderId, customerId: order.customerId, reason },
      { correlationId: orderId },
    );
    this.ended(order, 'rejected');
  }

  async cancel(orderId: string, reason: string): Promise<void> {
    const order = await this.load(orderId);
    order.cancel(reason, new Date());
    await this.orders.saveStatus(order);
    await this.publisher.publish(
      this.manager,
      OrderCancelledV1,
      { orderId, customerId: order.customerId, reason },
      { correlationId: orderId },
    );
    this.ended(order, 'cancelled');
  }

  private async load(orderId: string): Promise<Order> {
    const order = await this.orders.findById(orderId, { lock: true });
    // The saga and its order are written in one transaction: one without the other is a bug.
    if (!order) throw new Error(`saga ${orderId} has no order`);
    return order;
  }

  private ended(order: Order, outcome: 'completed' | 'rejected' | 'cancelled'): void {
    this.metrics.sagaEnded(CREATE_ORDER_SAGA, outcome, order.snapshot().createdAt, new Date());
  }
}
