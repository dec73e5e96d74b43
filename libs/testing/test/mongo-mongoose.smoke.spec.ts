import mongoose, { type Connection, Schema } from 'mongoose';
import { TestMongoDatabase } from '../src';

interface Product {
  sku: string;
  name: string;
}

const productSchema = new Schema<Product>({
  sku: { type: String, required: true, unique: true },
  name: { type: String, required: true },
});

describe(`MongoDB wire protocol through Mongoose (real server: ${process.env['MONGODB_SERVER']})`, () => {
  let database: TestMongoDatabase;
  let connection: Connection;

  beforeAll(async () => {
    database = TestMongoDatabase.create('smoke-mongo');
    connection = await mongoose.createConnection(database.url, { autoIndex: false }).asPromise();
  });

  afterAll(async () => {
    await database?.drop();
    await connection?.close();
  });

  it('creates the unique index declared in the schema and rejects a duplicate', async () => {
    const Products = connection.model<Product>('Product', productSchema);
    await Products.createIndexes();

    await Products.create({ sku: 'SKU-1', name: 'Kettle' });
    const duplicate = Products.create({ sku: 'SKU-1', name: 'Another kettle' });

    await expect(duplicate).rejects.toMatchObject({ code: 11000 });
    const indexes = await Products.collection.indexes();
    expect(indexes).toEqual(
      expect.arrayContaining([expect.objectContaining({ key: { sku: 1 }, unique: true })]),
    );
    expect(await Products.countDocuments({ sku: 'SKU-1' })).toBe(1);
  });

  it("is isolated: another suite's database does not see this suite's documents", async () => {
    const Products = connection.model<Product>('Product', productSchema);
    await Products.create({ sku: 'SKU-ISOLATED', name: 'Teapot' });
    const other = TestMongoDatabase.create('smoke-mongo-other');
    const otherConnection = await mongoose.createConnection(other.url).asPromise();
    try {
      const OtherProducts = otherConnection.model<Product>('Product', productSchema);

      expect(await OtherProducts.countDocuments({ sku: 'SKU-ISOLATED' })).toBe(0);
      expect(await Products.countDocuments({ sku: 'SKU-ISOLATED' })).toBe(1);
    } finally {
      await other.drop();
      await otherConnection.close();
    }
  });
});
