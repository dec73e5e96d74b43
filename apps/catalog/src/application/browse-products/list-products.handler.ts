import { Injectable } from '@nestjs/common';
import { ProductMongooseRepository } from '../../infrastructure/persistence/product.mongoose-repository';
import { type ListProductsQuery } from './list-products.query';
import { decodeProductCursor, encodeProductCursor } from './product-cursor';
import { type ProductView, toProductView } from './product.view';

/** One page of the catalog, in a stable order, with the cursor of the next. */
@Injectable()
export class ListProductsHandler {
  constructor(private readonly products: ProductMongooseRepository) {}

  async execute(
    query: ListProductsQuery,
  ): Promise<{ items: ProductView[]; nextCursor: string | null }> {
    const after = query.cursor ? decodeProductCursor(query.cursor, query.sort) : undefined;
    const { products, hasMore } = await this.products.list({
      ...(query.category ? { category: query.category } : {}),
      ...(query.minPrice !== undefined ? { minPrice: query.minPrice } : {}),
      ...(query.maxPrice !== undefined ? { maxPrice: query.maxPrice } : {}),
      ...(query.search ? { search: query.search } : {}),
      ...(after ? { after: { value: after.value, id: after.id } } : {}),
      sort: query.sort,
      limit: query.limit,
    });
    const last = products.at(-1);
    const nextCursor =
      hasMore && last
        ? encodeProductCursor({
            sort: query.sort,
            value:
              query.sort === 'name'
                ? last.name
                : query.sort === 'newest'
                  ? last.id
                  : last.price.amount,
            id: last.id,
          })
        : null;
    return { items: products.map(toProductView), nextCursor };
  }
}
