import { Injectable } from '@nestjs/common';
import { ProductNotFoundError } from '../../domain/catalog.errors';
import { ProductMongooseRepository } from '../../infrastructure/persistence/product.mongoose-repository';

/**
 * Takes a product off sale. A soft delete: it disappears from listings and
 * price lookups and cannot be reserved, but reservations of running orders
 * still release or commit against it.
 */
@Injectable()
export class DeleteProductHandler {
  constructor(private readonly products: ProductMongooseRepository) {}

  async execute(id: string): Promise<void> {
    if (!(await this.products.softDelete(id))) throw new ProductNotFoundError(id);
  }
}
