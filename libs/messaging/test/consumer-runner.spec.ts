import { createMessage, headersOf, OrderApprovedV1, Topics } from '@shop/contracts';
import { randomUUID } from 'node:crypto';
import { Partitioners, type Producer } from 'kafkajs';
import {
  type Inbox,
  DeadLetterQueue,
  NonRetriableError,
  type TopicNames,
  TypeormInbox,
} from '../src';
import { type EntityManager } from 'typeorm';
import {
  applyReservation,
  eventually,
  MessagingTestBed,
  rawValue,
  reserveStock,
} from './support/messaging-test-bed';

describe('ConsumerRunner: inbox, retries and dead letters (real PostgreSQL and Kafka)', () => {
  const bed = new MessagingTestBed('consumer-runner');
  let producer: Producer;

  beforeAll(async () => {
    await bed.setUp();
    producer = bed.kafka.client.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
  });

  afterAll(async () => {
    await producer?.disconnect();
    await bed.tearDown();
  });

  const send = (
    names: TopicNames,
    key: string,
    value: string,
    headers: Record<string, string> = {},
  ) =>
    producer.send({
      topic: names.physical(Topics.catalogCommands),
      messages: [{ key, value, headers }],
    });

  const committedOffsets = async (names: TopicNames): Promise<string[]> => {
    const admin = bed.kafka.client.admin();
    await admin.connect();
    try {
      const [topic] = await admin.fetchOffsets({
        groupId: `${names.prefix}catalog`,
        topics: [names.physical(Topics.catalogCommands)],
      });
      return (topic?.partitions ?? [])
        .filter(({ offset }) => offset !== '-1')
        .map(({ offset }) => offset);
    } finally {
      await admin.disconnect();
    }
  };

  it('applies a message delivered twice only once', async () => {
    const names = await bed.topicsForCase();
    const orderId = randomUUID();
    const { envelope } = reserveStock(orderId, 7);
    await send(names, orderId, rawValue(envelope), headersOf(envelope));
    await send(names, orderId, rawValue(envelope), headersOf(envelope));
    const consumer = bed.consumer(names, applyReservation);

    await consumer.start();
    const outcomes = await eventually(
      () => consumer.outcomes,
      (seen) => seen.length >= 2,
    );
    await consumer.stop();

    expect(outcomes).toEqual(['processed', 'duplicate']);
    expect(await bed.appliedQuantities(orderId)).toEqual([7]);
  });

  it('dead-letters an unparseable and a schema-invalid message with their reasons, and keeps consuming', async () => {
    const names = await bed.topicsForCase();
    const orderId = randomUUID();
    const invalid = { ...reserveStock(orderId).envelope, data: { orderId, items: [] } };
    await send(names, orderId, '{"this is": not json');
    await send(names, orderId, rawValue(invalid));
    await send(names, orderId, rawValue(reserveStock(orderId, 3).envelope));
    const consumer = bed.consumer(names, applyReservation);

    await consumer.start();
    const outcomes = await eventually(
      () => consumer.outcomes,
      (seen) => seen.length >= 3,
    );
    await consumer.stop();
    const letters = await new DeadLetterQueue(bed.kafka.client, names).list(Topics.catalogCommands);

    expect(outcomes).toEqual(['dead-lettered', 'dead-lettered', 'processed']);
    expect(await bed.appliedQuantities(orderId)).toEqual([3]);
    expect(
      letters.map(({ reason, originalTopic, originalOffset, value }) => ({
        reason,
        originalTopic,
        originalOffset,
        value,
      })),
    ).toEqual([
      {
        reason: 'unparseable',
        originalTopic: Topics.catalogCommands,
        originalOffset: '0',
        value: '{"this is": not json',
      },
      {
        reason: 'invalid-data',
        originalTopic: Topics.catalogCommands,
        originalOffset: '1',
        value: rawValue(invalid),
      },
    ]);
    expect(letters[1]?.error).toMatch(/items/);
  });

  it('retries a failing handler with growing backoff and applies the message once', async () => {
    const names = await bed.topicsForCase();
    const orderId = randomUUID();
    await send(names, orderId, rawValue(reserveStock(orderId, 5).envelope));
    const calls: number[] = [];
    const consumer = bed.consumer(names, async (message, manager) => {
      calls.push(Date.now());
      await applyReservation(message, manager);
      // The effect above rolls back with the failed attempt.
      if (calls.length < 3) throw new Error('database briefly unavailable');
    });

    await consumer.start();
    const outcomes = await eventually(
      () => consumer.outcomes,
      (seen) => seen.length >= 1,
    );
    await consumer.stop();

    expect(outcomes).toEqual(['processed']);
    expect(calls).toHaveLength(3);
    // Backoff of 20 ms, then 40 ms, each at least half of it (jitter).
    expect((calls[1] ?? 0) - (calls[0] ?? 0)).toBeGreaterThanOrEqual(10);
    expect((calls[2] ?? 0) - (calls[1] ?? 0)).toBeGreaterThanOrEqual(20);
    expect(await bed.appliedQuantities(orderId)).toEqual([5]);
  });

  it('waits out its store: a handler that fails while the store does not answer is never dead-lettered', async () => {
    const names = await bed.topicsForCase();
    const orderId = randomUUID();
    await send(names, orderId, rawValue(reserveStock(orderId, 5).envelope));
    // The store "comes back" after four failed attempts, more than maxAttempts (3).
    let failures = 0;
    const postgres = new TypeormInbox(bed.dataSource);
    const recovering: Inbox<EntityManager> = {
      process: (consumer, envelope, work) => postgres.process(consumer, envelope, work),
      answers: async () => failures >= 4,
    };
    const consumer = bed.consumer(
      names,
      async (message, manager) => {
        if (failures < 4) {
          failures += 1;
          throw new Error('connection lost');
        }
        await applyReservation(message, manager);
      },
      { inbox: recovering },
    );

    await consumer.start();
    const outcomes = await eventually(
      () => consumer.outcomes,
      (seen) => seen.length >= 1,
    );
    await consumer.stop();
    const letters = await new DeadLetterQueue(bed.kafka.client, names).list(Topics.catalogCommands);

    expect(outcomes).toEqual(['processed']);
    expect(letters).toEqual([]);
    expect(await bed.appliedQuantities(orderId)).toEqual([5]);
  });

  it('dead-letters a NonRetriableError at once', async () => {
    const names = await bed.topicsForCase();
    const orderId = randomUUID();
    await send(names, orderId, rawValue(reserveStock(orderId).envelope));
    let calls = 0;
    const consumer = bed.consumer(names, async () => {
      calls += 1;
      throw new NonRetriableError('product is discontinued');
    });

    await consumer.start();
    await eventually(
      () => consumer.outcomes,
      (seen) => seen.length >= 1,
    );
    await consumer.stop();
    const [letter] = await new DeadLetterQueue(bed.kafka.client, names).list(
      Topics.catalogCommands,
    );

    expect(calls).toBe(1);
    expect(letter).toMatchObject({ reason: 'non-retriable', attempts: 1 });
    expect(letter?.error).toContain('product is discontinued');
  });

  it('dead-letters a message whose handler keeps failing; a replay processes it once, a second replay changes nothing', async () => {
    const names = await bed.topicsForCase();
    const orderId = randomUUID();
    const { envelope } = reserveStock(orderId, 9);
    await send(names, orderId, rawValue(envelope), headersOf(envelope));
    const failing = bed.consumer(names, async () => {
      throw new Error('payment provider down');
    });
    await failing.start();
    await eventually(
      () => failing.outcomes,
      (seen) => seen.length >= 1,
    );
    await failing.stop();
    const dlq = new DeadLetterQueue(bed.kafka.client, names);
    const [letter] = await dlq.list(Topics.catalogCommands);

    const fixed = bed.consumer(names, applyReservation);
    await fixed.start();
    await dlq.replay(Topics.catalogCommands);
    await eventually(
      () => fixed.outcomes,
      (seen) => seen.length >= 1,
    );
    await dlq.replay(Topics.catalogCommands);
    const outcomes = await eventually(
      () => fixed.outcomes,
      (seen) => seen.length >= 2,
    );
    await fixed.stop();

    expect(failing.outcomes).toEqual(['dead-lettered']);
    expect(letter).toMatchObject({ reason: 'handler-failed', attempts: 3, key: orderId });
    expect(letter?.headers['message-id']).toBe(envelope.id);
    expect(outcomes).toEqual(['processed', 'duplicate']);
    expect(await bed.appliedQuantities(orderId)).toEqual([9]);
  });

  it('handles other keys of one partition side by side, each key in order, and commits the whole batch', async () => {
    const names = await bed.topicsForCase();
    const [first, second] = [randomUUID(), randomUUID()];
    // One partition, the two orders' messages interleaved: 1, 1, 2, 2, 3, 3.
    for (const quantity of [1, 2, 3]) {
      for (const orderId of [first, second]) {
        await producer.send({
          topic: names.physical(Topics.catalogCommands),
          messages: [
            {
              key: orderId,
              partition: 0,
              value: rawValue(reserveStock(orderId, quantity).envelope),
            },
          ],
        });
      }
    }
    let inFlight = 0;
    let mostAtOnce = 0;
    const consumer = bed.consumer(
      names,
      async (message, manager) => {
        inFlight += 1;
        mostAtOnce = Math.max(mostAtOnce, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 150));
        await applyReservation(message, manager);
        inFlight -= 1;
      },
      { messagesConcurrently: 4 },
    );

    await consumer.start();
    await eventually(
      () => consumer.outcomes,
      (seen) => seen.length >= 6,
    );
    await consumer.stop();

    expect(mostAtOnce).toBe(2);
    expect(await bed.appliedQuantities(first)).toEqual([1, 2, 3]);
    expect(await bed.appliedQuantities(second)).toEqual([1, 2, 3]);
    expect(await committedOffsets(names)).toEqual(['6']);
  });

  it('finishes the message in hand on stop, and commits its offset only after its transaction', async () => {
    const names = await bed.topicsForCase();
    const orderId = randomUUID();
    await send(names, orderId, rawValue(reserveStock(orderId, 4).envelope));
    let started!: () => void;
    const handlerStarted = new Promise<void>((resolve) => (started = resolve));
    const consumer = bed.consumer(names, async (message, manager) => {
      started();
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      await applyReservation(message, manager);
    });

    await consumer.start();
    await handlerStarted;
    const whileHandling = await committedOffsets(names);
    await consumer.stop();

    expect(whileHandling).toEqual([]);
    expect(await bed.appliedQuantities(orderId)).toEqual([4]);
    expect(await committedOffsets(names)).toEqual(['1']);
  });

  it('leaves a message it is retrying to the next owner when stopped: not dead-lettered, not committed', async () => {
    const names = await bed.topicsForCase();
    const orderId = randomUUID();
    await send(names, orderId, rawValue(reserveStock(orderId, 2).envelope));
    let failures = 0;
    const failing = bed.consumer(
      names,
      async () => {
        failures += 1;
        throw new Error('database failing over');
      },
      { maxAttempts: 1_000, backoff: { initialDelayMs: 200, maxDelayMs: 200 } },
    );
    await failing.start();
    await eventually(
      () => failures,
      (count) => count >= 2,
    );
    await failing.stop();
    const letters = await new DeadLetterQueue(bed.kafka.client, names).list(Topics.catalogCommands);
    const committedAfterStop = await committedOffsets(names);

    const recovered = bed.consumer(names, applyReservation);
    await recovered.start();
    await eventually(
      () => recovered.outcomes,
      (seen) => seen.length >= 1,
    );
    await recovered.stop();

    expect(failing.outcomes).toEqual([]);
    expect(letters).toEqual([]);
    expect(committedAfterStop).toEqual([]);
    expect(recovered.outcomes).toEqual(['processed']);
    expect(await bed.appliedQuantities(orderId)).toEqual([2]);
  });

  it('skips an event it has no handler for, but dead-letters a command without one', async () => {
    const names = await bed.topicsForCase();
    const orderId = randomUUID();
    const approved = createMessage(
      OrderApprovedV1,
      { orderId, customerId: randomUUID() },
      { source: 'order', correlationId: orderId },
    ).envelope;
    await producer.send({
      topic: names.physical(Topics.orderEvents),
      messages: [{ key: orderId, value: rawValue(approved) }],
    });
    await send(names, orderId, rawValue(reserveStock(orderId).envelope));
    const consumer = bed.consumer(names, applyReservation, {
      withoutHandlers: true,
      topics: [Topics.orderEvents, Topics.catalogCommands],
    });

    await consumer.start();
    await eventually(
      () => consumer.outcomes,
      (seen) => seen.length >= 2,
    );
    await consumer.stop();
    const letters = await new DeadLetterQueue(bed.kafka.client, names).list(Topics.catalogCommands);

    expect([...consumer.outcomes].sort()).toEqual(['dead-lettered', 'ignored']);
    expect(letters.map(({ reason }) => reason)).toEqual(['no-handler']);
    expect(await bed.appliedQuantities(orderId)).toEqual([]);
  });
});
