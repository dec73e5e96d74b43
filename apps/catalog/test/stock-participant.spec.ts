import 'reflect-metadata';
import { type INestApplication } from '@nestjs/common';
import { getModelToken } from '@nestjs/mongoose';
import {
  CommitStockV1,
  createMessage,
  type MessageDefinition,
  ReleaseStockV1,
  ReserveStockFailedV1,
  ReserveStockSucceededV1,
  ReserveStockV1,
  Topics,
} from '@shop/contracts';
import { provisionTopics, TopicNames } from '@shop/messaging';
import { startService } from '@shop/service-kit';
import { itWhen, TestKafkaNamespace, TestMongoDatabase, TestTokenIssuer } from '@shop/testing';
import { Partitioners, type Producer } from 'kafkajs';
import { type Model } from 'mongoose';
import { randomUUID } from 'node:crypto';
import { ReserveStockHandler } from '../src/application/reserve-stock/reserve-stock.handler';
import { CreateProductHandler } from '../src/application/manage-products/create-product.handler';
import { createCatalogApp } from '../src/catalog-app';
import { loadCatalogConfig } from '../src/config/catalog-config';
import { CategoryDocument } from '../src/infrastructure/persistence/category.schema';
import {
  MONGO_SERVER_KIND,
  type MongoServerKind,
} from '../src/infrastructure/persistence/mongo-server-kind';
import { ProductDocument } from '../src/infrastructure/persistence/product.schema';
import { ProductWritesSerializer } from '../src/infrastructure/persistence/product-writes.serializer';
import { StockMongooseRepository } from '../src/infrastructure/persistence/stock.mongoose-repository';
import { StockReservationDocument } from '../src/infrastructure/persistence/stock-reservation.schema';
import { TopicRecorder } from './support/catalog-test-kit';

const server = process.env['MONGODB_SERVER'];

describe(`catalog stock participant over Kafka (real ${server} and Kafka)`, () => {
  const kafka = new TestKafkaNamespace('catalog-stock');
  let database: TestMongoDatabase;
  let issuer: TestTokenIssuer;
  let app: INestApplication;
  let producer: Producer;
  let replies: TopicRecorder;
  let products: Model<ProductDocument>;
  let reservations: Model<StockReservationDocument>;

  beforeAll(async () => {
    database = TestMongoDatabase.create('catalog-stock');
    issuer = await TestTokenIssuer.start({ issuer: 'http://localhost:3001', audience: 'shop' });
    const admin = kafka.client.admin();
    await admin.connect();
    // The order service owns its replies topic; here the test plays it.
    await provisionTopics(admin, new TopicNames(kafka.prefix), [
      { name: Topics.orderSagaReplies, partitions: 3, replicationFactor: 1 },
    ]);
    await admin.disconnect();
    app = await createCatalogApp(
      loadCatalogConfig({
        NODE_ENV: 'test',
        CATALOG_MONGODB_URL: database.url,
        KAFKA_BROKERS: kafka.brokers.join(','),
        KAFKA_TOPIC_PREFIX: kafka.prefix,
        AUTH_JWKS_URL: issuer.jwksUrl,
        CATALOG_EVENT_SWEEP_INTERVAL_MS: '500',
      }),
    );
    await startService(app);
    products = app.get<Model<ProductDocument>>(getModelToken(ProductDocument.name));
    reservations = app.get<Model<StockReservationDocument>>(
      getModelToken(StockReservationDocument.name),
    );
    await app
      .get<Model<CategoryDocument>>(getModelToken(CategoryDocument.name))
      .create({ _id: 'kitchen', name: 'Kitchen', description: '' });
    producer = kafka.client.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    replies = new TopicRecorder(
      kafka.client,
      kafka.topic(Topics.orderSagaReplies),
      kafka.groupId('order-saga'),
    );
    await replies.start();
  });

  afterAll(async () => {
    await replies?.stop();
    await producer?.disconnect();
    await app?.close();
    await issuer?.stop();
    await database?.drop();
    await kafka.cleanup();
  });

  const productWith = async (available: number): Promise<string> => {
    const product = await app.get(CreateProductHandler).execute({
      sku: `STK-${randomUUID().slice(0, 8).toUpperCase()}`,
      name: 'Stock test item',
      category: 'kitchen',
      price: { amount: 1_000, currency: 'EUR' },
      initialStock: available,
      lowStockThreshold: 0,
    });
    return product.id;
  };

  const stockOf = async (productId: string) => {
    const product = await products.findById(productId).lean();
    return {
      available: product?.available,
      reserved: product?.reserved,
      sold: product?.sold,
      holds: Object.keys(product?.reservations ?? {}).length,
    };
  };

  /** Sends a command as the order service's relay would: keyed by order id, to catalog.commands. */
  const send = async <TData>(definition: MessageDefinition<string, TData>, data: TData) => {
    const orderId = (data as { orderId: string }).orderId;
    const message = createMessage(definition, data, { source: 'order', correlationId: orderId });
    const record = { key: message.key, value: JSON.stringify(message.envelope) };
    await producer.send({ topic: kafka.topic(Topics.catalogCommands), messages: [record] });
    return {
      envelope: message.envelope,
      redeliver: () =>
        producer.send({ topic: kafka.topic(Topics.catalogCommands), messages: [record] }),
    };
  };

  const repliesTo = (commandId: string, count = 1) =>
    replies.waitFor((value) => value['causationId'] === commandId, count);

  it('reserves every line, replies once although the command is delivered twice', async () => {
    const [a, b] = [await productWith(10), await productWith(4)];
    const orderId = randomUUID();
    const items = [
      { productId: a, quantity: 3 },
      { productId: b, quantity: 4 },
    ];

    const command = await send(ReserveStockV1, { orderId, items });
    const [reply] = await repliesTo(command.envelope.id);
    await command.redeliver();
    const probe = await send(ReleaseStockV1, { orderId: randomUUID() }); // processed after the redelivery
    await repliesTo(probe.envelope.id);

    expect(reply).toMatchObject({
      type: ReserveStockSucceededV1.type,
      source: 'catalog',
      correlationId: orderId,
      data: { orderId },
    });
    expect(
      replies.messages.filter(({ value }) => value['causationId'] === command.envelope.id),
    ).toHaveLength(1);
    expect(await stockOf(a)).toEqual({ available: 7, reserved: 3, sold: 0, holds: 1 });
    expect(await stockOf(b)).toEqual({ available: 0, reserved: 4, sold: 0, holds: 1 });
  });

  it('reserves nothing for an order short on one line, and names the short product', async () => {
    const [plenty, scarce] = [await productWith(10), await productWith(1)];
    const orderId = randomUUID();

    const command = await send(ReserveStockV1, {
      orderId,
      items: [
        { productId: plenty, quantity: 2 },
        { productId: scarce, quantity: 2 },
      ],
    });
    const [reply] = await repliesTo(command.envelope.id);

    expect(reply).toMatchObject({
      type: ReserveStockFailedV1.type,
      data: { orderId, shortages: [{ productId: scarce, requested: 2, available: 1 }] },
    });
    expect(String(reply?.data['reason'])).toContain(scarce);
    expect(await stockOf(plenty)).toEqual({ available: 10, reserved: 0, sold: 0, holds: 0 });
    expect(await stockOf(scarce)).toEqual({ available: 1, reserved: 0, sold: 0, holds: 0 });
  });

  it('releases a reservation exactly once: stock comes back as it was, a redelivery changes nothing', async () => {
    const productId = await productWith(5);
    const orderId = randomUUID();
    const reserve = await send(ReserveStockV1, { orderId, items: [{ productId, quantity: 3 }] });
    await repliesTo(reserve.envelope.id);

    const release = await send(ReleaseStockV1, { orderId });
    const [reply] = await repliesTo(release.envelope.id);
    const again = await send(ReleaseStockV1, { orderId }); // a new delivery of the compensation
    const [secondReply] = await repliesTo(again.envelope.id);
    const late = await send(ReserveStockV1, { orderId, items: [{ productId, quantity: 3 }] });
    const [lateReply] = await repliesTo(late.envelope.id);

    expect(reply?.['type']).toBe('catalog.ReleaseStockSucceeded.v1');
    expect(secondReply?.['type']).toBe('catalog.ReleaseStockSucceeded.v1');
    // The original decision stands: it was reserved (the saga's inbox drops the repeat).
    expect(lateReply?.['type']).toBe(ReserveStockSucceededV1.type);
    expect(await stockOf(productId)).toEqual({ available: 5, reserved: 0, sold: 0, holds: 0 });
    expect((await reservations.findById(orderId).lean())?.status).toBe('released');
  });

  it('commits a reservation: the units stay taken (sold), redelivery and a late release change nothing', async () => {
    const productId = await productWith(5);
    const orderId = randomUUID();
    const reserve = await send(ReserveStockV1, { orderId, items: [{ productId, quantity: 2 }] });
    await repliesTo(reserve.envelope.id);

    const commit = await send(CommitStockV1, { orderId });
    const [reply] = await repliesTo(commit.envelope.id);
    const again = await send(CommitStockV1, { orderId });
    const [secondReply] = await repliesTo(again.envelope.id);
    const release = await send(ReleaseStockV1, { orderId });
    const [releaseReply] = await repliesTo(release.envelope.id);

    expect(reply?.['type']).toBe('catalog.CommitStockSucceeded.v1');
    expect(secondReply?.['type']).toBe('catalog.CommitStockSucceeded.v1');
    expect(releaseReply).toMatchObject({
      type: 'catalog.ReleaseStockFailed.v1',
      data: { reason: expect.stringMatching(/already committed/) },
    });
    expect(await stockOf(productId)).toEqual({ available: 3, reserved: 0, sold: 2, holds: 0 });
  });

  it('refuses to commit what was never reserved, and remembers a release that came first', async () => {
    const productId = await productWith(5);
    const orderId = randomUUID();

    const commit = await send(CommitStockV1, { orderId });
    const [commitReply] = await repliesTo(commit.envelope.id);
    const release = await send(ReleaseStockV1, { orderId });
    await repliesTo(release.envelope.id);
    const reserve = await send(ReserveStockV1, { orderId, items: [{ productId, quantity: 1 }] });
    const [reserveReply] = await repliesTo(reserve.envelope.id);

    expect(commitReply).toMatchObject({ type: 'catalog.CommitStockFailed.v1' });
    expect(reserveReply).toMatchObject({
      type: ReserveStockFailedV1.type,
      data: { shortages: [] },
    });
    expect(await stockOf(productId)).toEqual({ available: 5, reserved: 0, sold: 0, holds: 0 });
  });

  it('converges when retried after a crash half-way through a reservation', async () => {
    const [a, b] = [await productWith(5), await productWith(5)];
    const orderId = randomUUID();
    const lines = [
      { productId: a, quantity: 2 },
      { productId: b, quantity: 1 },
    ];
    // The first attempt opened the record and took one line, then the process died.
    await reservations.create({
      _id: orderId,
      lines: [...lines].sort((x, y) => x.productId.localeCompare(y.productId)),
      status: 'reserving',
      reservedAt: null,
      rejection: null,
      createdAt: new Date(),
      updatedAt: new Date(),
    });
    await app.get(StockMongooseRepository).reserveLine(a, orderId, 2);

    const outcome = await app.get(ReserveStockHandler).execute({ orderId, items: lines });
    const retried = await app.get(ReserveStockHandler).execute({ orderId, items: lines });

    expect(outcome).toEqual({ kind: 'reserved', lines: expect.arrayContaining(lines) });
    expect(retried).toEqual(outcome);
    expect(await stockOf(a)).toEqual({ available: 3, reserved: 2, sold: 0, holds: 1 });
    expect(await stockOf(b)).toEqual({ available: 4, reserved: 1, sold: 0, holds: 1 });
  });

  it('finishes a commit retried after a crash between its decision and the stock', async () => {
    const productId = await productWith(5);
    const orderId = randomUUID();
    const reserve = await send(ReserveStockV1, { orderId, items: [{ productId, quantity: 2 }] });
    await repliesTo(reserve.envelope.id);
    // The first attempt recorded the commit, then the process died before the product moved.
    await reservations.updateOne({ _id: orderId }, { $set: { status: 'committed' } });
    const beforeRetry = await stockOf(productId);

    const commit = await send(CommitStockV1, { orderId });
    const [reply] = await repliesTo(commit.envelope.id);

    expect(beforeRetry).toEqual({ available: 3, reserved: 2, sold: 0, holds: 1 });
    expect(reply?.['type']).toBe('catalog.CommitStockSucceeded.v1');
    expect(await stockOf(productId)).toEqual({ available: 3, reserved: 0, sold: 2, holds: 0 });
  });

  it('never oversells: 20 concurrent orders for the last 5 units, through the service stock writer', async () => {
    const productId = await productWith(5);
    const handler = app.get(ReserveStockHandler);

    const outcomes = await Promise.all(
      Array.from({ length: 20 }, () =>
        handler.execute({ orderId: randomUUID(), items: [{ productId, quantity: 1 }] }),
      ),
    );

    expect(outcomes.filter((outcome) => outcome.kind === 'reserved')).toHaveLength(5);
    expect(outcomes.filter((outcome) => outcome.kind === 'rejected')).toHaveLength(15);
    expect(await stockOf(productId)).toEqual({ available: 0, reserved: 5, sold: 0, holds: 5 });
  });

  itWhen(
    {
      met: server === 'mongod',
      reason: 'needs a real mongod: FerretDB v1 applies updates outside the database',
    },
    'never oversells with unserialized conditional updates (atomic on a real mongod)',
    async () => {
      expect(app.get<MongoServerKind>(MONGO_SERVER_KIND)).toBe('mongod');
      const productId = await productWith(5);
      const unserialized = new StockMongooseRepository(
        products,
        new ProductWritesSerializer(false),
      );

      const results = await Promise.all(
        Array.from({ length: 20 }, () => unserialized.reserveLine(productId, randomUUID(), 1)),
      );

      expect(results.filter((result) => result.kind === 'reserved')).toHaveLength(5);
      expect(await stockOf(productId)).toEqual({ available: 0, reserved: 5, sold: 0, holds: 5 });
    },
  );

  it('detects the server it runs on, and serializes product writes only on FerretDB', () => {
    const kind = app.get<MongoServerKind>(MONGO_SERVER_KIND);

    expect(kind).toBe(server === 'ferretdb' ? 'ferretdb' : 'mongod');
    expect(app.get(ProductWritesSerializer).serialized).toBe(kind === 'ferretdb');
  });
});
