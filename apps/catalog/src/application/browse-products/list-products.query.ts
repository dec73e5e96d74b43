export const PRODUCT_SORTS = ['name', 'price', '-price', 'newest'] as const;
export type ProductSort = (typeof PRODUCT_SORTS)[number];

export interface ListProductsQuery {
  category?: string;
  /** Inclusive bounds, in minor units of the catalog's currency. */
  minPrice?: number;
  maxPrice?: number;
  /** Part of the name, any case. */
  search?: string;
  sort: ProductSort;
  limit: number;
  /** The `nextCursor` of the previous page. */
  cursor?: string;
}
