import { Injectable } from '@nestjs/common';
import { ProductNotFoundError } from '../../domain/catalog.errors';
import { ProductMongooseRepository } from '../../infrastructure/persistence/product.mongoose-repository';
import { type ProductView, toProductView } from './product.view';

/** A single product, with its available stock. */
@Injectable()
export class GetProductHandler {
  constructor(private readonly products: ProductMongooseRepository) {}

  async execute(id: string): Promise<ProductView> {
    const product = await this.products.findById(id);
    if (!product) throw new ProductNotFoundError(id);
    return toProductView(product);
  }
}
