import { createMessage, ProductCreatedV1 } from '@shop/contracts';
import { createHash } from 'node:crypto';
import { type Model, mongo } from 'mongoose';
import { type CategoryDocument } from '../persistence/category.schema';
import { type ProductDocument } from '../persistence/product.schema';
import { DEMO_CATEGORIES, DEMO_PRODUCTS } from './demo-catalog.data';

const DUPLICATE_KEY = 11000;
/** The timestamp part of every demo product id: fixed, so ids are the same on every machine. */
const DEMO_EPOCH = new Date('2026-01-01T00:00:00Z');

export interface SeedSummary {
  categoriesAdded: number;
  productsAdded: number;
  productsKept: number;
}

/**
 * Loads the demo catalog. Insert-only: a product whose SKU exists is left
 * alone (its stock may have moved since), so running it again changes
 * nothing, and it never writes over a document the service is updating (safe
 * on FerretDB too). New products carry their ProductCreated event, which the
 * running service forwards to Kafka.
 */
export class DemoCatalogSeeder {
  constructor(
    private readonly products: Model<ProductDocument>,
    private readonly categories: Model<CategoryDocument>,
    private readonly options: { currency: string; lowStockThreshold: number },
  ) {}

  /** A UUIDv7-shaped id derived from the SKU: the same product has the same id everywhere. */
  static productId(sku: string): string {
    const bytes = createHash('sha256').update(`catalog-demo:${sku}`).digest().subarray(0, 16);
    const millis = BigInt(DEMO_EPOCH.getTime());
    for (let index = 0; index < 6; index += 1) {
      bytes[index] = Number((millis >> BigInt(8 * (5 - index))) & 0xffn);
    }
    bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x70;
    bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
    const hex = bytes.toString('hex');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  async seed(): Promise<SeedSummary> {
    let categoriesAdded = 0;
    for (const { slug, name, description } of DEMO_CATEGORIES) {
      if (await insertOnce(() => this.categories.create({ _id: slug, name, description }))) {
        categoriesAdded += 1;
      }
    }
    let productsAdded = 0;
    for (const demo of DEMO_PRODUCTS) {
      const id = DemoCatalogSeeder.productId(demo.sku);
      const price = { amount: demo.price, currency: this.options.currency };
      const now = new Date();
      const created = createMessage(
        ProductCreatedV1,
        { productId: id, sku: demo.sku, name: demo.name, category: demo.category, price },
        { source: 'catalog', correlationId: id, time: now },
      );
      const inserted = await insertOnce(() =>
        this.products.create({
          _id: id,
          sku: demo.sku,
          name: demo.name,
          description: demo.description,
          category: demo.category,
          price,
          images: [],
          attributes: demo.attributes,
          available: demo.stock,
          reserved: 0,
          sold: 0,
          reservations: {},
          lowStockThreshold: this.options.lowStockThreshold,
          // Seeded low: no StockLow for stock that was never above the threshold here.
          lowStockAlerted: demo.stock <= this.options.lowStockThreshold,
          pendingEvents: [created],
          version: 1,
          createdAt: now,
          updatedAt: now,
          deletedAt: null,
        }),
      );
      if (inserted) productsAdded += 1;
    }
    return { categoriesAdded, productsAdded, productsKept: DEMO_PRODUCTS.length - productsAdded };
  }
}

async function insertOnce(insert: () => Promise<unknown>): Promise<boolean> {
  try {
    await insert();
    return true;
  } catch (error) {
    if (error instanceof mongo.MongoServerError && error.code === DUPLICATE_KEY) return false;
    throw error;
  }
}
