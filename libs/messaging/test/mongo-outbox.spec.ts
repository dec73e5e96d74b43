import { createMessage, ReleaseStockSucceededV1, Topics } from '@shop/contracts';
import { TestKafkaNamespace, TestMongoDatabase } from '@shop/testing';
import { randomUUID } from 'node:crypto';
import { type Db, type Document, MongoClient } from 'mongodb';
import {
  deterministicMessageId,
  MongoInbox,
  MongoOutboxStore,
  MongoOutboxWriter,
  OUTBOX_COLLECTION,
  OutboxRelay,
  provisionTopics,
  TopicNames,
} from '../src';
import { eventually, testLogger } from './support/messaging-test-bed';

describe(`Mongo outbox (real ${process.env['MONGODB_SERVER']} and Kafka)`, () => {
  const kafka = new TestKafkaNamespace('mongo-outbox');
  const names = new TopicNames(kafka.prefix);
  let database: TestMongoDatabase;
  let client: MongoClient;
  let db: Db;

  /** What a catalog handler sends for a command it handled: same command, same message id. */
  const releasedReply = (commandId: string, orderId: string) =>
    createMessage(
      ReleaseStockSucceededV1,
      { orderId },
      {
        source: 'catalog',
        correlationId: orderId,
        causationId: commandId,
        id: deterministicMessageId(`${commandId}:reply`, new Date('2026-11-27T12:00:00Z')),
      },
    );

  beforeAll(async () => {
    database = TestMongoDatabase.create('mongo-outbox');
    client = await MongoClient.connect(database.url);
    db = client.db(database.name);
    await MongoOutboxStore.ensureIndexes(db);
    const admin = kafka.client.admin();
    await admin.connect();
    await provisionTopics(admin, names, [
      { name: Topics.orderSagaReplies, partitions: 3, replicationFactor: 1 },
    ]);
    await admin.disconnect();
  });

  afterAll(async () => {
    await database?.drop();
    await client?.close();
    await kafka.cleanup();
  });

  it('derives the same valid UUIDv7 from the same inputs, and another from other inputs', () => {
    const time = new Date('2026-11-27T12:00:00Z');
    const id = deterministicMessageId('command-1:reply', time);

    expect(deterministicMessageId('command-1:reply', time)).toBe(id);
    expect(deterministicMessageId('command-2:reply', time)).not.toBe(id);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(id.startsWith(time.getTime().toString(16).padStart(12, '0').slice(0, 8))).toBe(true);
  });

  it('keeps one message when a retried handler writes it again', async () => {
    const writer = new MongoOutboxWriter(db);
    const commandId = randomUUID();
    const orderId = randomUUID();

    await writer.append(releasedReply(commandId, orderId));
    await writer.append(releasedReply(commandId, orderId));

    expect(await db.collection(OUTBOX_COLLECTION).countDocuments({ partitionKey: orderId })).toBe(
      1,
    );
  });

  it('publishes the message once, woken by the writer in the same process', async () => {
    const writer = new MongoOutboxWriter(db);
    const relay = new OutboxRelay({
      kafka: kafka.client,
      topics: names,
      logger: testLogger,
      // Far longer than the test waits: only the writer's wake-up can publish in time.
      pollIntervalMs: 60_000,
      store: new MongoOutboxStore(db, { relayName: `catalog-${randomUUID()}`, writer }),
    });
    const received: string[] = [];
    const reader = kafka.client.consumer({ groupId: kafka.groupId('saga') });
    await reader.connect();
    await reader.subscribe({ topic: names.physical(Topics.orderSagaReplies), fromBeginning: true });
    await reader.run({
      eachMessage: async ({ message }) => void received.push(message.key?.toString() ?? ''),
    });
    relay.start();
    await eventually(
      () => relay.status().leader,
      (leader) => leader,
    );
    await eventually(
      async () => await db.collection(OUTBOX_COLLECTION).countDocuments({ sentAt: null }),
      (n) => n === 0,
    );

    const orderId = randomUUID();
    await writer.append(releasedReply(randomUUID(), orderId));
    const seen = await eventually(
      () => received.filter((key) => key === orderId),
      (keys) => keys.length >= 1,
      10_000,
    );
    await relay.stop();
    await reader.disconnect();

    expect(seen).toEqual([orderId]);
    expect(
      await db
        .collection(OUTBOX_COLLECTION)
        .countDocuments({ partitionKey: orderId, sentAt: null }),
    ).toBe(0);
  });

  it('finds its work with a query the server answers without reading every sent message', async () => {
    // The relay's own query, as it goes over the wire.
    const watched = await MongoClient.connect(database.url, { monitorCommands: true });
    const finds: Document[] = [];
    watched.on('commandStarted', ({ commandName, command }) => {
      if (commandName === 'find' && command['find'] === OUTBOX_COLLECTION) finds.push(command);
    });
    const writer = new MongoOutboxWriter(db);
    await writer.append(releasedReply(randomUUID(), randomUUID()));
    const store = new MongoOutboxStore(watched.db(database.name), { relayName: 'explain' });

    const fetched = await store.fetchUnsent(10);
    const filter = finds[0]?.['filter'] as Document;
    const plan = await db
      .collection(OUTBOX_COLLECTION)
      .find(filter)
      .sort({ createdAt: 1, _id: 1 })
      .limit(10)
      .explain();
    await watched.close();

    expect(fetched.length).toBeGreaterThan(0);
    if (process.env['MONGODB_SERVER'] === 'ferretdb') {
      // FerretDB hands the filter to PostgreSQL; a `sentAt: null` filter it would evaluate
      // itself, after decoding every message kept (measured: 240 ms a fetch at 6 000).
      expect(plan['filterPushdown']).toBe(true);
    } else {
      expect(JSON.stringify(plan['queryPlanner'])).toContain('IXSCAN');
    }
  });

  it("tells the consumer whether the store answers: the inbox's outage check", async () => {
    // A server nobody listens on: server selection would wait 30 s, the check says no in 2.
    const unreachable = new MongoClient('mongodb://127.0.0.1:9/inbox', {
      serverSelectionTimeoutMS: 30_000,
    });
    const started = Date.now();
    const whileDown = await new MongoInbox(unreachable.db('inbox')).answers();
    const waited = Date.now() - started;
    await unreachable.close();

    expect(await new MongoInbox(db).answers()).toBe(true);
    expect(whileDown).toBe(false);
    expect(waited).toBeLessThan(10_000);
  });

  it('lets one relay hold the lease; another gets it once the first lets go', async () => {
    const relayName = `catalog-${randomUUID()}`;
    const first = new MongoOutboxStore(db, { relayName });
    const second = new MongoOutboxStore(db, { relayName });

    const firstWins = await first.tryAcquireLeadership();
    const secondWhileHeld = await second.tryAcquireLeadership();
    await first.close();
    const secondAfterRelease = await second.tryAcquireLeadership();

    expect([firstWins, secondWhileHeld, secondAfterRelease]).toEqual([true, false, true]);
  });

  it('lets a standby take an expired lease: a crashed relay never blocks the outbox', async () => {
    const relayName = `catalog-${randomUUID()}`;
    const crashed = new MongoOutboxStore(db, { relayName, leaseMs: 300 });
    const standby = new MongoOutboxStore(db, { relayName, leaseMs: 300 });

    const crashedWins = await crashed.tryAcquireLeadership();
    const standbyWhileLive = await standby.tryAcquireLeadership();
    await new Promise((resolve) => setTimeout(resolve, 400));
    const standbyAfterExpiry = await standby.tryAcquireLeadership();

    expect([crashedWins, standbyWhileLive, standbyAfterExpiry]).toEqual([true, false, true]);
  });
});
