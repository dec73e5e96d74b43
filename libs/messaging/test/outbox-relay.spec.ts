import { Topics } from '@shop/contracts';
import { DisposableKafkaBroker } from '@shop/testing';
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import {
  OutboxRelay,
  PostgresOutboxStore,
  provisionTopics,
  TopicNames,
  TypeormOutboxWriter,
} from '../src';
import {
  applyReservation,
  eventually,
  MessagingTestBed,
  testLogger,
  reserveStock,
} from './support/messaging-test-bed';

describe('OutboxRelay: transactional outbox to Kafka (real PostgreSQL and Kafka)', () => {
  const bed = new MessagingTestBed('outbox-relay');
  const writer = new TypeormOutboxWriter();
  const relays: OutboxRelay[] = [];

  const relay = (
    names: TopicNames,
    kafka = bed.kafka.client,
    relayName = names.prefix,
  ): OutboxRelay => {
    const started = new OutboxRelay({
      kafka,
      topics: names,
      logger: testLogger,
      pollIntervalMs: 200,
      standbyRetryMs: 200,
      backoff: { initialDelayMs: 100, maxDelayMs: 1_000 },
      store: new PostgresOutboxStore({
        connectionString: bed.database.url,
        relayName,
        logger: testLogger,
      }),
    });
    relays.push(started);
    started.start();
    return started;
  };

  const commit = (...messages: ReturnType<typeof reserveStock>[]) =>
    bed.dataSource.transaction((manager) => writer.append(manager, messages));

  const unsentCount = async (): Promise<number> =>
    Number(
      (
        await bed.dataSource.query(
          'SELECT count(*) AS n FROM outbox_messages WHERE sent_at IS NULL',
        )
      )[0].n,
    );

  beforeAll(() => bed.setUp());

  afterEach(async () => {
    await Promise.all(relays.splice(0).map((started) => started.stop()));
    await bed.dataSource.query('DELETE FROM outbox_messages');
  });

  afterAll(() => bed.tearDown());

  it('publishes, after a restart, a message committed by a process that died before publishing; the effect happens once', async () => {
    const names = await bed.topicsForCase();
    const orderId = randomUUID();
    // The writer's process commits, then dies: no relay ever saw the message.
    await commit(reserveStock(orderId, 2));
    const consumer = bed.consumer(names, applyReservation);
    await consumer.start();

    const restarted = relay(names);
    await eventually(
      () => consumer.outcomes,
      (seen) => seen.length >= 1,
    );
    await restarted.stop();
    relay(names); // a second restart: the message must not leave again
    // Sent in sequence order: a repeat of the first message would arrive before this one.
    const sentinel = randomUUID();
    await commit(reserveStock(sentinel, 1));
    await eventually(
      async () => bed.appliedQuantities(sentinel),
      (applied) => applied.length === 1,
    );
    await consumer.stop();

    expect(consumer.outcomes).toEqual(['processed', 'processed']);
    expect(await bed.appliedQuantities(orderId)).toEqual([2]);
    expect(await unsentCount()).toBe(0);
  });

  it('never publishes a message whose transaction rolled back', async () => {
    const orderId = randomUUID();

    const rolledBack = bed.dataSource.transaction(async (manager) => {
      await writer.append(manager, reserveStock(orderId));
      throw new Error('the order could not be saved');
    });

    await expect(rolledBack).rejects.toThrow('the order could not be saved');
    expect(await bed.dataSource.query('SELECT id FROM outbox_messages')).toEqual([]);
  });

  it('refuses to write outside a transaction', async () => {
    await expect(writer.append(bed.dataSource.manager, reserveStock(randomUUID()))).rejects.toThrow(
      /open transaction/,
    );
  });

  it('keeps per-key order with two relays started at once: one publishes, the other stands by and takes over', async () => {
    const names = await bed.topicsForCase();
    const orders = [randomUUID(), randomUUID(), randomUUID()];
    for (let quantity = 1; quantity <= 20; quantity += 1) {
      for (const orderId of orders) await commit(reserveStock(orderId, quantity));
    }
    const received = new Map<string, number[]>(orders.map((orderId) => [orderId, []]));
    const reader = bed.kafka.client.consumer({ groupId: `${names.prefix}reader` });
    await reader.connect();
    await reader.subscribe({ topic: names.physical(Topics.catalogCommands), fromBeginning: true });
    await reader.run({
      eachMessage: async ({ message }) => {
        const { data } = JSON.parse(message.value?.toString() ?? '{}');
        received.get(data.orderId)?.push(data.items[0].quantity);
      },
    });

    const [first, second] = [relay(names), relay(names)];
    const total = () => [...received.values()].reduce((sum, list) => sum + list.length, 0);
    await eventually(total, (count) => count >= 60);
    const leaders = [first, second].filter((candidate) => candidate.status().leader);
    const standby = leaders[0] === first ? second : first;
    await leaders[0]?.stop();
    const late = randomUUID();
    received.set(late, []);
    await commit(reserveStock(late, 99));
    await eventually(
      () => received.get(late) ?? [],
      (list) => list.length >= 1,
    );
    await reader.disconnect();

    const inOrder = Array.from({ length: 20 }, (_, index) => index + 1);
    for (const orderId of orders) expect(received.get(orderId)).toEqual(inOrder);
    expect(leaders).toHaveLength(1);
    expect(standby.status().leader).toBe(true);
    expect(received.get(late)).toEqual([99]);
  });

  it('keeps retrying while the broker is down and publishes once it is back; nothing is lost', async () => {
    const broker = await DisposableKafkaBroker.start();
    try {
      const kafka = new Kafka({
        clientId: 'relay-drill',
        brokers: broker.brokers,
        logLevel: logLevel.NOTHING,
      });
      const names = new TopicNames('drill.');
      const admin = kafka.admin();
      await admin.connect();
      await provisionTopics(admin, names, [
        { name: Topics.catalogCommands, partitions: 1, replicationFactor: 1 },
      ]);
      await admin.disconnect();
      const started = relay(names, kafka, `drill-${randomUUID()}`);
      await broker.kill();

      const orderId = randomUUID();
      await commit(reserveStock(orderId, 8));
      const failedAttempts = await eventually(
        async () =>
          Number(
            (await bed.dataSource.query('SELECT attempts FROM outbox_messages'))[0]?.attempts ?? 0,
          ),
        (attempts) => attempts >= 2,
      );
      await broker.resume();
      await eventually(unsentCount, (count) => count === 0, 60_000);

      const reader = kafka.consumer({ groupId: 'drill-reader' });
      await reader.connect();
      await reader.subscribe({
        topic: names.physical(Topics.catalogCommands),
        fromBeginning: true,
      });
      const values: string[] = [];
      await reader.run({
        eachMessage: async ({ message }) => void values.push(message.value?.toString() ?? ''),
      });
      await eventually(
        () => values,
        (list) => list.length >= 1,
      );
      await reader.disconnect();

      expect(failedAttempts).toBeGreaterThanOrEqual(2);
      expect(started.status().consecutiveFailures).toBe(0);
      expect(values.map((value) => JSON.parse(value).data)).toEqual([
        expect.objectContaining({ orderId, items: [expect.objectContaining({ quantity: 8 })] }),
      ]);
    } finally {
      await Promise.all(relays.splice(0).map((started) => started.stop()));
      await broker.destroy();
    }
  });
});
