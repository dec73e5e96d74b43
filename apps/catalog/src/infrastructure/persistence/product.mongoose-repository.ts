import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { type OutgoingMessage } from '@shop/contracts';
import { type Model, mongo, type QueryFilter, type SortOrder } from 'mongoose';
import { SkuAlreadyUsedError } from '../../domain/catalog.errors';
import { type Category, type Product } from '../../domain/product';
import { type ProductSort } from '../../application/browse-products/list-products.query';
import { CategoryDocument } from './category.schema';
import { ProductDocument } from './product.schema';
import { ProductWritesSerializer } from './product-writes.serializer';

const DUPLICATE_KEY = 11000;

/** The sort key of each listing order; `_id` (UUIDv7, so time-ordered) breaks ties. */
const SORT_FIELDS: Record<ProductSort, { field: string; direction: 1 | -1 }> = {
  name: { field: 'name', direction: 1 },
  price: { field: 'price.amount', direction: 1 },
  '-price': { field: 'price.amount', direction: -1 },
  newest: { field: '_id', direction: -1 },
};

export interface ProductListing {
  category?: string;
  minPrice?: number;
  maxPrice?: number;
  search?: string;
  sort: ProductSort;
  after?: { value: string | number; id: string };
  limit: number;
}

export type ProductChanges = Partial<
  Pick<
    Product,
    'name' | 'description' | 'category' | 'price' | 'images' | 'attributes' | 'lowStockThreshold'
  >
>;

/** Products and categories as the catalog shows and edits them (stock moves: StockMongooseRepository). */
@Injectable()
export class ProductMongooseRepository {
  constructor(
    @InjectModel(ProductDocument.name) private readonly products: Model<ProductDocument>,
    @InjectModel(CategoryDocument.name) private readonly categories: Model<CategoryDocument>,
    private readonly serializer: ProductWritesSerializer,
  ) {}

  /** One page in keyset order, plus whether more follow. */
  async list(listing: ProductListing): Promise<{ products: Product[]; hasMore: boolean }> {
    const { field, direction } = SORT_FIELDS[listing.sort];
    const conditions: QueryFilter<ProductDocument>[] = [{ deletedAt: null }];
    if (listing.category) conditions.push({ category: listing.category });
    if (listing.minPrice !== undefined)
      conditions.push({ 'price.amount': { $gte: listing.minPrice } });
    if (listing.maxPrice !== undefined)
      conditions.push({ 'price.amount': { $lte: listing.maxPrice } });
    // No text index on FerretDB v1: a case-insensitive substring match, escaped.
    if (listing.search)
      conditions.push({ name: { $regex: escapeRegex(listing.search), $options: 'i' } });
    if (listing.after) {
      const beyond = direction === 1 ? '$gt' : '$lt';
      conditions.push(
        field === '_id'
          ? { _id: { [beyond]: listing.after.id } }
          : {
              $or: [
                { [field]: { [beyond]: listing.after.value } },
                { [field]: listing.after.value, _id: { [beyond]: listing.after.id } },
              ],
            },
      );
    }
    const sort: Record<string, SortOrder> =
      field === '_id' ? { _id: direction } : { [field]: direction, _id: direction };
    const documents = await this.products
      .find({ $and: conditions })
      .sort(sort)
      .limit(listing.limit + 1)
      .lean();
    return {
      products: documents.slice(0, listing.limit).map(toProduct),
      hasMore: documents.length > listing.limit,
    };
  }

  async findById(id: string): Promise<Product | undefined> {
    const document = await this.products.findOne({ _id: id, deletedAt: null }).lean();
    return document ? toProduct(document) : undefined;
  }

  async findWithVersion(id: string): Promise<{ product: Product; version: number } | undefined> {
    const document = await this.products.findOne({ _id: id, deletedAt: null }).lean();
    return document ? { product: toProduct(document), version: document.version } : undefined;
  }

  async findMany(ids: readonly string[]): Promise<Product[]> {
    const documents = await this.products.find({ _id: { $in: [...ids] }, deletedAt: null }).lean();
    return documents.map(toProduct);
  }

  async listCategories(): Promise<Category[]> {
    const documents = await this.categories.find().sort({ name: 1 }).lean();
    return documents.map(({ _id, name, description }) => ({ slug: _id, name, description }));
  }

  async categoryExists(slug: string): Promise<boolean> {
    return (await this.categories.exists({ _id: slug })) !== null;
  }

  /** Inserts the product with the events its creation causes, in one document. */
  async insert(product: Product, events: OutgoingMessage[]): Promise<void> {
    try {
      await this.products.create({
        _id: product.id,
        ...withoutId(product),
        reservations: {},
        lowStockAlerted: false,
        pendingEvents: events,
        version: 1,
        deletedAt: null,
      });
    } catch (error) {
      if (error instanceof mongo.MongoServerError && error.code === DUPLICATE_KEY) {
        throw new SkuAlreadyUsedError(product.sku);
      }
      throw error;
    }
  }

  /** Applies the changes (and queues their events) if the product is still at `version`. */
  async update(
    id: string,
    version: number,
    changes: ProductChanges,
    events: OutgoingMessage[],
  ): Promise<boolean> {
    return this.serializer.run(id, async () => {
      const result = await this.products.updateOne(
        { _id: id, version, deletedAt: null },
        {
          $set: { ...changes, updatedAt: new Date() },
          $inc: { version: 1 },
          ...(events.length > 0 ? { $push: { pendingEvents: { $each: events } } } : {}),
        },
      );
      return result.matchedCount === 1;
    });
  }

  async softDelete(id: string): Promise<boolean> {
    return this.serializer.run(id, async () => {
      const now = new Date();
      const result = await this.products.updateOne(
        { _id: id, deletedAt: null },
        { $set: { deletedAt: now, updatedAt: now }, $inc: { version: 1 } },
      );
      return result.matchedCount === 1;
    });
  }
}

function toProduct(document: ProductDocument): Product {
  return {
    id: document._id,
    sku: document.sku,
    name: document.name,
    description: document.description,
    category: document.category,
    price: { amount: document.price.amount, currency: document.price.currency },
    images: document.images,
    attributes: document.attributes,
    available: document.available,
    reserved: document.reserved,
    sold: document.sold,
    lowStockThreshold: document.lowStockThreshold,
    createdAt: document.createdAt,
    updatedAt: document.updatedAt,
  };
}

function withoutId(product: Product): Omit<Product, 'id'> {
  const { id: _id, ...rest } = product;
  return rest;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
