import { withDatabaseName } from './database-url';
import { mongo } from 'mongoose';
import { testInfraSettings } from './test-infra-settings';
import { uniqueName } from './unique-name';

/** A MongoDB database of one test suite's own, dropped by `drop()`. */
export class TestMongoDatabase {
  private constructor(
    readonly name: string,
    readonly url: string,
    /** `mongod` or `ferretdb`: FerretDB v1 lacks some MongoDB guarantees. */
    readonly server: string,
  ) {}

  static create(label: string): TestMongoDatabase {
    const settings = testInfraSettings();
    const name = uniqueName(label);
    return new TestMongoDatabase(
      name,
      withDatabaseName(settings.mongodbUrl, name),
      settings.mongodbServer,
    );
  }

  async drop(): Promise<void> {
    const client = new mongo.MongoClient(this.url);
    try {
      await client.connect();
      await client.db(this.name).dropDatabase();
    } finally {
      await client.close();
    }
  }
}
