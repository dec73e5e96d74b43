import { Injectable } from '@nestjs/common';
import { InsufficientStockError, ProductNotFoundError } from '../../domain/catalog.errors';
import { ProductEventsForwarder } from '../../infrastructure/messaging/product-events.forwarder';
import { ProductMongooseRepository } from '../../infrastructure/persistence/product.mongoose-repository';
import { StockMongooseRepository } from '../../infrastructure/persistence/stock.mongoose-repository';
import { type AdjustStockCommand } from './adjust-stock.command';

/** Changes available stock by a delta (one atomic `$inc`), never below zero. */
@Injectable()
export class AdjustStockHandler {
  constructor(
    private readonly products: ProductMongooseRepository,
    private readonly stock: StockMongooseRepository,
    private readonly events: ProductEventsForwarder,
  ) {}

  async execute(
    command: AdjustStockCommand,
  ): Promise<{ id: string; available: number; reserved: number }> {
    const adjusted = await this.stock.adjust(command.productId, command.delta);
    if (!adjusted) {
      const product = await this.products.findById(command.productId);
      if (!product) throw new ProductNotFoundError(command.productId);
      throw new InsufficientStockError(command.productId, product.available, command.delta);
    }
    if (await this.stock.syncLowStockAlert(command.productId)) this.events.notify();
    return { id: command.productId, ...adjusted };
  }
}
