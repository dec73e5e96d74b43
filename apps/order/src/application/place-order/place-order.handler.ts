import { Inject, Injectable } from '@nestjs/common';
import { OrderPlacedV1 } from '@shop/contracts';
import { MessagePublisher } from '@shop/messaging';
import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { Order } from '../../domain/order';
import { IdempotencyKeyReusedError, UnknownProductsError } from '../../domain/order.errors';
import { IdempotencyKeyTypeormRepository } from '../../infrastructure/persistence/idempotency-key.typeorm-repository';
import { OrderTypeormRepository } from '../../infrastructure/persistence/order.typeorm-repository';
import { SagaMetrics } from '../../infrastructure/saga/saga.metrics';
import { CreateOrderSagaOrchestrator } from '../create-order-saga/create-order-saga.orchestrator';
import { CREATE_ORDER_SAGA } from '../create-order-saga/create-order.saga';
import { CUSTOMER_DIRECTORY, type CustomerDirectory } from '../ports/customer-directory.port';
import { PRICE_CATALOG, type PriceCatalog } from '../ports/price-catalog.port';
import { type PlaceOrderCommand, type PlaceOrderResult } from './place-order.command';

/**
 * Places an order: checks the customer and snapshots prices over REST, then
 * stores the order, its OrderPlaced event, the saga instance and the saga's
 * first command in one transaction. The Idempotency-Key makes a repeated
 * request (a client retry) return the first answer instead of a second order.
 */
@Injectable()
export class PlaceOrderHandler {
  constructor(
    private readonly dataSource: DataSource,
    private readonly publisher: MessagePublisher,
    private readonly saga: CreateOrderSagaOrchestrator,
    private readonly metrics: SagaMetrics,
    @Inject(CUSTOMER_DIRECTORY) private readonly customers: CustomerDirectory,
    @Inject(PRICE_CATALOG) private readonly catalog: PriceCatalog,
  ) {}

  async execute(command: PlaceOrderCommand): Promise<PlaceOrderResult> {
    const requestHash = hashOf(command);
    const earlier = await this.replay(command, requestHash);
    if (earlier) return earlier;

    const productIds = command.items.map((item) => item.productId);
    // Independent questions to two services: asked at once.
    const [, prices] = await Promise.all([
      this.customers.assertCustomerExists(command.customerId, command.bearerToken),
      this.catalog.priceSnapshot(productIds),
    ]);
    const unknown = productIds.filter((id) => !prices.has(id));
    if (unknown.length > 0) throw new UnknownProductsError(unknown);

    const order = Order.place({
      id: uuidv7(),
      customerId: command.customerId,
      items: command.items.map(({ productId, quantity }) => {
        const { sku, name, price } = prices.get(productId) as NonNullable<
          ReturnType<typeof prices.get>
        >;
        return { productId, sku, name, quantity, unitPrice: price };
      }),
      shippingAddress: command.shippingAddress,
      now: new Date(),
    });
    const placed = await this.dataSource.transaction(async (manager) => {
      const keys = new IdempotencyKeyTypeormRepository(manager);
      if (!(await keys.claim(command.customerId, command.idempotencyKey, requestHash, order.id))) {
        return false;
      }
      await new OrderTypeormRepository(manager).insert(order);
      const { total, items } = order.snapshot();
      const trace = command.traceparent ? { traceparent: command.traceparent } : {};
      await this.publisher.publish(
        manager,
        OrderPlacedV1,
        {
          orderId: order.id,
          customerId: order.customerId,
          items: items.map(({ productId, quantity, unitPrice }) => ({
            productId,
            quantity,
            unitPrice,
          })),
          total,
        },
        { correlationId: order.id, ...trace },
      );
      await this.saga.start(
        manager,
        order.id,
        {
          orderId: order.id,
          customerId: order.customerId,
          items: command.items,
          total,
          paymentMethodToken: command.paymentMethodToken,
        },
        trace,
      );
      return true;
    });
    if (placed) {
      this.metrics.sagaStarted(CREATE_ORDER_SAGA);
      return { orderId: order.id, status: 'PENDING', replayed: false };
    }
    // A concurrent request with the same key committed first: its answer is the answer.
    const winner = await this.replay(command, requestHash);
    if (!winner) throw new Error('idempotency key claimed by a transaction that left no record');
    return winner;
  }

  private async replay(
    command: PlaceOrderCommand,
    requestHash: string,
  ): Promise<PlaceOrderResult | undefined> {
    const stored = await new IdempotencyKeyTypeormRepository(this.dataSource.manager).find(
      command.customerId,
      command.idempotencyKey,
    );
    if (!stored) return undefined;
    if (stored.requestHash !== requestHash) throw new IdempotencyKeyReusedError();
    return { orderId: stored.orderId, status: 'PENDING', replayed: true };
  }
}

/** The request's identity: the same key with a different body is a client bug, not a retry. */
function hashOf(command: PlaceOrderCommand): string {
  const { items, paymentMethodToken, shippingAddress } = command;
  const canonical = JSON.stringify({
    items: items.map(({ productId, quantity }) => [productId, quantity]),
    paymentMethodToken,
    shippingAddress: Object.entries(shippingAddress).sort(([a], [b]) => a.localeCompare(b)),
  });
  return createHash('sha256').update(canonical).digest('hex');
}
