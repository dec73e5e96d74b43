import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { DataSource, QueryFailedError } from 'typeorm';
import { TestPostgresDatabase } from '../src';
import { CreateCustomers1764201600000 } from './fixtures/create-customers.migration';
import { Customer } from './fixtures/customer.entity';

describe('PostgreSQL through TypeORM (real server)', () => {
  let database: TestPostgresDatabase;
  let dataSource: DataSource;
  let firstRun: string[];

  const tableExists = async (source: DataSource): Promise<boolean> =>
    (await source.query("SELECT 1 FROM information_schema.tables WHERE table_name = 'customers'"))
      .length === 1;

  beforeAll(async () => {
    database = await TestPostgresDatabase.create('smoke-postgres');
    dataSource = new DataSource({
      type: 'postgres',
      url: database.url,
      entities: [Customer],
      migrations: [CreateCustomers1764201600000],
      synchronize: false,
    });
    await dataSource.initialize();
    firstRun = (await dataSource.runMigrations({ transaction: 'each' })).map((m) => m.name);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  it('runs the migration once, then has nothing left to run', async () => {
    const secondRun = await dataSource.runMigrations({ transaction: 'each' });

    expect(firstRun).toEqual(['CreateCustomers1764201600000']);
    expect(secondRun).toEqual([]);
  });

  it('stores and reads an entity', async () => {
    const customers = dataSource.getRepository(Customer);
    const id = randomUUID();
    await customers.insert({
      id,
      email: 'ada@example.test',
      createdAt: new Date('2026-01-02T03:04:05Z'),
    });

    const stored = await customers.findOneByOrFail({ id });

    expect(stored.email).toBe('ada@example.test');
    expect(stored.createdAt.toISOString()).toBe('2026-01-02T03:04:05.000Z');
  });

  it('rejects a duplicate email through the unique index the migration created', async () => {
    const customers = dataSource.getRepository(Customer);
    const insert = (email: string) =>
      customers.insert({ id: randomUUID(), email, createdAt: new Date() });
    await insert('grace@example.test');

    const duplicate = insert('GRACE@example.test');

    await expect(duplicate).rejects.toBeInstanceOf(QueryFailedError);
    await expect(duplicate).rejects.toMatchObject({ driverError: { code: '23505' } });
  });

  it('reverts the migration and applies it again', async () => {
    await dataSource.undoLastMigration({ transaction: 'each' });
    const afterUndo = await tableExists(dataSource);
    await dataSource.runMigrations({ transaction: 'each' });

    expect(afterUndo).toBe(false);
    expect(await tableExists(dataSource)).toBe(true);
  });

  it("is isolated: another suite's database does not have this suite's table", async () => {
    const other = await TestPostgresDatabase.create('smoke-postgres-other');
    const otherSource = new DataSource({ type: 'postgres', url: other.url });
    await otherSource.initialize();
    try {
      expect(other.name).not.toBe(database.name);
      expect(await tableExists(otherSource)).toBe(false);
      expect(await tableExists(dataSource)).toBe(true);
    } finally {
      await otherSource.destroy();
      await other.drop();
    }
  });
});
