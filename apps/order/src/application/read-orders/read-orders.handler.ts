import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { type Order } from '../../domain/order';
import { OrderNotFoundError } from '../../domain/order.errors';
import { OrderTypeormRepository } from '../../infrastructure/persistence/order.typeorm-repository';
import { CreateOrderSagaOrchestrator } from '../create-order-saga/create-order-saga.orchestrator';
import { type OrderPage, type OrderView } from './order.view';

export interface Reader {
  id: string;
  isAdmin: boolean;
}

/** Reads orders for their owner; an admin may read any. Anyone else sees no such order. */
@Injectable()
export class ReadOrdersHandler {
  constructor(
    private readonly dataSource: DataSource,
    private readonly saga: CreateOrderSagaOrchestrator,
  ) {}

  async get(reader: Reader, orderId: string): Promise<OrderView> {
    const manager = this.dataSource.manager;
    const order = await new OrderTypeormRepository(manager).findById(orderId);
    if (!order || (order.customerId !== reader.id && !reader.isAdmin)) {
      throw new OrderNotFoundError();
    }
    const saga = await this.saga.get(manager, orderId);
    return toView(order, saga ? { status: saga.status, timeline: saga.timeline } : null);
  }

  /** The reader's own orders, newest first (the timeline is on the order itself). */
  async listOwn(reader: Reader, after: string | undefined, limit: number): Promise<OrderPage> {
    const orders = await new OrderTypeormRepository(this.dataSource.manager).listOf(
      reader.id,
      after,
      limit + 1,
    );
    const page = orders.slice(0, limit);
    return {
      items: page.map((order) => toView(order, null)),
      next: orders.length > limit ? (page.at(-1)?.id ?? null) : null,
    };
  }
}

function toView(order: Order, saga: OrderView['saga']): OrderView {
  const snapshot = order.snapshot();
  return {
    id: snapshot.id,
    customerId: snapshot.customerId,
    status: snapshot.status,
    reason: snapshot.reason,
    items: snapshot.items.map((item) => ({
      ...item,
      lineTotal: {
        amount: item.unitPrice.amount * item.quantity,
        currency: item.unitPrice.currency,
      },
    })),
    total: snapshot.total,
    shippingAddress: snapshot.shippingAddress,
    createdAt: snapshot.createdAt.toISOString(),
    updatedAt: snapshot.updatedAt.toISOString(),
    saga,
  };
}
