import 'reflect-metadata';
import { type INestApplication } from '@nestjs/common';
import { ReserveStockV1, Topics } from '@shop/contracts';
import { HealthModule } from '@shop/observability';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { type AddressInfo } from 'node:net';
import { MessagePublisher, MessagingHealth, MessagingTransport } from '../src';
import { startCatalogParticipant } from './support/catalog-participant';
import { eventually, MessagingTestBed } from './support/messaging-test-bed';

/**
 * A member of the group that joins, then dies without a goodbye (kill -9), as
 * a crashed replica does: the broker keeps its place until its session ends.
 */
const DOOMED_MEMBER = `
const { Kafka, logLevel } = require('kafkajs');
const kafka = new Kafka({ clientId: 'doomed', brokers: process.env.BROKERS.split(','), logLevel: logLevel.NOTHING });
const consumer = kafka.consumer({ groupId: process.env.GROUP, sessionTimeout: Number(process.env.SESSION_MS) });
consumer.on(consumer.events.GROUP_JOIN, () => process.stdout.write('joined\\n'));
(async () => {
  await consumer.connect();
  await consumer.subscribe({ topic: process.env.TOPIC, fromBeginning: true });
  await consumer.run({ eachMessage: async () => {} });
})();
`;

describe('the messaging transport in a hybrid app (real PostgreSQL and Kafka)', () => {
  const bed = new MessagingTestBed('messaging-transport');
  let doomed: ChildProcess | undefined;
  let app: INestApplication | undefined;

  beforeAll(() => bed.setUp());

  afterAll(async () => {
    doomed?.kill('SIGKILL');
    await app?.close();
    await bed.tearDown();
  });

  it('answers HTTP while its consumer waits for a group still held by a killed member, then joins and consumes', async () => {
    const prefix = (await bed.topicsForCase()).prefix;
    const member = spawn(process.execPath, ['-e', DOOMED_MEMBER], {
      cwd: process.cwd(),
      env: {
        ...process.env,
        BROKERS: bed.kafka.brokers.join(','),
        // The participant's group (its service name under the prefix).
        GROUP: `${prefix}catalog`,
        TOPIC: `${prefix}${Topics.catalogCommands}`,
        SESSION_MS: '12000',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    doomed = member;
    await new Promise<void>((resolve, reject) => {
      member.stdout?.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('joined')) resolve();
      });
      member.once('exit', (code) => reject(new Error(`the doomed member exited (${code})`)));
    });
    member.kill('SIGKILL');

    const started = await startCatalogParticipant(bed, prefix, [
      HealthModule.forChecks({
        inject: [MessagingHealth],
        useFactory: (messaging: MessagingHealth) => ({
          kafka: () => messaging.check(),
          consumer: () => messaging.consumer(),
        }),
      }),
    ]);
    app = started;
    // Started: the transport did not wait for the group, which waits out the dead member.
    const transport = started.get(MessagingTransport);
    expect(transport.consumerState()).toBe('joining');
    await started.listen(0, '127.0.0.1');
    const port = (started.getHttpServer().address() as AddressInfo).port;
    const ready = await fetch(`http://127.0.0.1:${port}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({
      status: 'ok',
      checks: { kafka: 'up', consumer: 'joining' },
    });

    await eventually(
      () => transport.consumerState(),
      (state) => state === 'joined',
      60_000,
    );
    const orderId = randomUUID();
    await bed.dataSource.transaction((manager) =>
      started
        .get(MessagePublisher)
        .publish(
          manager,
          ReserveStockV1,
          { orderId, items: [{ productId: randomUUID(), quantity: 3 }] },
          { correlationId: orderId },
        ),
    );
    expect(
      await eventually(
        () => bed.appliedQuantities(orderId),
        (seen) => seen.length > 0,
      ),
    ).toEqual([3]);
  });
});
