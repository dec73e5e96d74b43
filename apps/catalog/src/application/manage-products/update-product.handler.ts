import { Inject, Injectable } from '@nestjs/common';
import { createMessage, type OutgoingMessage, ProductPriceChangedV1 } from '@shop/contracts';
import { type CatalogConfig } from '../../config/catalog-config';
import { CATALOG_CONFIG } from '../../config/catalog-config.token';
import {
  CurrencyNotAcceptedError,
  ProductChangedConcurrentlyError,
  ProductNotFoundError,
  UnknownCategoryError,
} from '../../domain/catalog.errors';
import { ProductEventsForwarder } from '../../infrastructure/messaging/product-events.forwarder';
import {
  type ProductChanges,
  ProductMongooseRepository,
} from '../../infrastructure/persistence/product.mongoose-repository';
import { StockMongooseRepository } from '../../infrastructure/persistence/stock.mongoose-repository';
import { type ProductView, toProductView } from '../browse-products/product.view';
import { type UpdateProductCommand } from './update-product.command';

const ATTEMPTS = 3;

/**
 * Edits a product with optimistic concurrency (its `version`); a price change
 * queues ProductPriceChanged with the price it replaced, in the same update.
 */
@Injectable()
export class UpdateProductHandler {
  constructor(
    private readonly products: ProductMongooseRepository,
    private readonly stock: StockMongooseRepository,
    private readonly events: ProductEventsForwarder,
    @Inject(CATALOG_CONFIG) private readonly config: CatalogConfig,
  ) {}

  async execute(command: UpdateProductCommand): Promise<ProductView> {
    const { id, ...fields } = command;
    if (fields.price && fields.price.currency !== this.config.CATALOG_CURRENCY) {
      throw new CurrencyNotAcceptedError(fields.price.currency, this.config.CATALOG_CURRENCY);
    }
    if (fields.category && !(await this.products.categoryExists(fields.category))) {
      throw new UnknownCategoryError(fields.category);
    }
    const changes = Object.fromEntries(
      Object.entries(fields).filter(([, value]) => value !== undefined),
    ) as ProductChanges;
    // Stock moves do not bump the version, so only a concurrent edit makes us try again.
    for (let attempt = 0; attempt < ATTEMPTS; attempt += 1) {
      const current = await this.products.findWithVersion(id);
      if (!current) throw new ProductNotFoundError(id);
      const { product, version } = current;
      const events: OutgoingMessage[] = [];
      if (
        changes.price &&
        (changes.price.amount !== product.price.amount ||
          changes.price.currency !== product.price.currency)
      ) {
        events.push(
          createMessage(
            ProductPriceChangedV1,
            { productId: id, previousPrice: product.price, price: changes.price },
            { source: 'catalog', correlationId: id },
          ),
        );
      }
      if (await this.products.update(id, version, changes, events)) {
        const alerted =
          changes.lowStockThreshold !== undefined && (await this.stock.syncLowStockAlert(id));
        if (events.length > 0 || alerted) this.events.notify();
        const updated = await this.products.findById(id);
        if (!updated) throw new ProductNotFoundError(id);
        return toProductView(updated);
      }
    }
    throw new ProductChangedConcurrentlyError(id);
  }
}
