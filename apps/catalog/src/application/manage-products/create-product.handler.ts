import { Inject, Injectable } from '@nestjs/common';
import { createMessage, ProductCreatedV1 } from '@shop/contracts';
import { v7 as uuidv7 } from 'uuid';
import { type CatalogConfig } from '../../config/catalog-config';
import { CATALOG_CONFIG } from '../../config/catalog-config.token';
import { CurrencyNotAcceptedError, UnknownCategoryError } from '../../domain/catalog.errors';
import { type Product } from '../../domain/product';
import { ProductEventsForwarder } from '../../infrastructure/messaging/product-events.forwarder';
import { ProductMongooseRepository } from '../../infrastructure/persistence/product.mongoose-repository';
import { StockMongooseRepository } from '../../infrastructure/persistence/stock.mongoose-repository';
import { type ProductView, toProductView } from '../browse-products/product.view';
import { type CreateProductCommand } from './create-product.command';

/** Adds a product; ProductCreated is written into the new document itself, so both or neither exist. */
@Injectable()
export class CreateProductHandler {
  constructor(
    private readonly products: ProductMongooseRepository,
    private readonly stock: StockMongooseRepository,
    private readonly events: ProductEventsForwarder,
    @Inject(CATALOG_CONFIG) private readonly config: CatalogConfig,
  ) {}

  async execute(command: CreateProductCommand): Promise<ProductView> {
    if (command.price.currency !== this.config.CATALOG_CURRENCY) {
      throw new CurrencyNotAcceptedError(command.price.currency, this.config.CATALOG_CURRENCY);
    }
    if (!(await this.products.categoryExists(command.category))) {
      throw new UnknownCategoryError(command.category);
    }
    const now = new Date();
    const product: Product = {
      id: uuidv7(),
      sku: command.sku,
      name: command.name,
      description: command.description ?? '',
      category: command.category,
      price: command.price,
      images: command.images ?? [],
      attributes: command.attributes ?? {},
      available: command.initialStock ?? 0,
      reserved: 0,
      sold: 0,
      lowStockThreshold: command.lowStockThreshold ?? this.config.CATALOG_LOW_STOCK_THRESHOLD,
      createdAt: now,
      updatedAt: now,
    };
    const created = createMessage(
      ProductCreatedV1,
      {
        productId: product.id,
        sku: product.sku,
        name: product.name,
        category: product.category,
        price: product.price,
      },
      { source: 'catalog', correlationId: product.id, time: now },
    );
    await this.products.insert(product, [created]);
    // Created at or below its threshold: StockLow follows ProductCreated.
    await this.stock.syncLowStockAlert(product.id);
    this.events.notify();
    return toProductView(product);
  }
}
