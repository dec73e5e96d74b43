import { Injectable } from '@nestjs/common';
import { type Category } from '../../domain/product';
import { ProductMongooseRepository } from '../../infrastructure/persistence/product.mongoose-repository';

@Injectable()
export class ListCategoriesHandler {
  constructor(private readonly products: ProductMongooseRepository) {}

  execute(): Promise<Category[]> {
    return this.products.listCategories();
  }
}
