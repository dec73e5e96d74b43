import 'reflect-metadata';
import { parseConfig } from '@shop/service-kit';
import mongoose from 'mongoose';
import { catalogConfigSchema } from './config/catalog-config';
import { CATALOG_MODELS } from './infrastructure/persistence/catalog-database.module';
import { CategoryDocument } from './infrastructure/persistence/category.schema';
import { ProductDocument } from './infrastructure/persistence/product.schema';
import { DemoCatalogSeeder } from './infrastructure/seed/demo-catalog.seeder';

/** Loads the demo catalog into CATALOG_MONGODB_URL (idempotent), then exits: `npx nx run catalog:seed`. */
async function seed(): Promise<void> {
  const config = parseConfig(
    catalogConfigSchema.pick({
      CATALOG_MONGODB_URL: true,
      CATALOG_CURRENCY: true,
      CATALOG_LOW_STOCK_THRESHOLD: true,
    }),
    process.env,
  );
  const connection = await mongoose
    .createConnection(config.CATALOG_MONGODB_URL, { autoIndex: false })
    .asPromise();
  try {
    for (const { name, schema } of CATALOG_MODELS) {
      await connection.model(name, schema).createIndexes();
    }
    const summary = await new DemoCatalogSeeder(
      connection.model<ProductDocument>(ProductDocument.name),
      connection.model<CategoryDocument>(CategoryDocument.name),
      { currency: config.CATALOG_CURRENCY, lowStockThreshold: config.CATALOG_LOW_STOCK_THRESHOLD },
    ).seed();
    process.stdout.write(
      `demo catalog: ${summary.categoriesAdded} categories and ${summary.productsAdded} products added, ${summary.productsKept} products already there\n`,
    );
  } finally {
    await connection.close();
  }
}

seed().catch((error: unknown) => {
  process.stderr.write(
    `catalog seed failed: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
