import 'reflect-metadata';
import { type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { context, SpanKind, trace } from '@opentelemetry/api';
import { node, tracing } from '@opentelemetry/sdk-node';
import { ReserveStockV1, Topics } from '@shop/contracts';
import { MetricsModule } from '@shop/observability';
import { type KafkaMessage, Partitioners } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { Registry } from 'prom-client';
import { MessagePublisher, MessagingHealth, MessagingModule } from '../src';
import { startCatalogParticipant, startMessagingApp } from './support/catalog-participant';
import { eventually, MessagingTestBed } from './support/messaging-test-bed';

// Spans land in memory: the same SDK classes an app runs, with an exporter a test can read.
const exporter = new tracing.InMemorySpanExporter();
const provider = new node.NodeTracerProvider({
  spanProcessors: [new tracing.SimpleSpanProcessor(exporter)],
});
provider.register();

const sample = (text: string, name: string, labels: Record<string, string>): number | undefined => {
  const line = text
    .split('\n')
    .find(
      (entry) =>
        entry.startsWith(`${name}{`) &&
        Object.entries(labels).every(([key, value]) => entry.includes(`${key}="${value}"`)),
    );
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
};

describe('MessagingModule observability: traces, metrics, readiness (real PostgreSQL and Kafka)', () => {
  const bed = new MessagingTestBed('messaging-observability');
  let moduleRef: INestApplication;
  let prefix: string;
  let registry: Registry;

  beforeAll(async () => {
    await bed.setUp();
    prefix = (await bed.topicsForCase()).prefix;
    moduleRef = await startCatalogParticipant(bed, prefix, [MetricsModule.forService('catalog')]);
    registry = moduleRef.get(Registry);
  });

  afterAll(async () => {
    await moduleRef?.close();
    await bed.tearDown();
    await provider.shutdown();
  });

  it('continues the writer’s trace through the relay, the consumer and the reply it sends', async () => {
    exporter.reset();
    const publisher = moduleRef.get(MessagePublisher);
    const orderId = randomUUID();
    const tracer = trace.getTracer('test');
    // The request that places the order: its span is active while the command is written.
    const request = tracer.startSpan('POST /orders', { kind: SpanKind.SERVER });
    await context.with(trace.setSpan(context.active(), request), () =>
      bed.dataSource.transaction((manager) =>
        publisher.publish(
          manager,
          ReserveStockV1,
          { orderId, items: [{ productId: randomUUID(), quantity: 2 }] },
          { correlationId: orderId },
        ),
      ),
    );
    request.end();

    const replies: KafkaMessage[] = [];
    const reader = bed.kafka.client.consumer({ groupId: `${prefix}trace-reader` });
    await reader.connect();
    await reader.subscribe({ topic: `${prefix}${Topics.orderSagaReplies}`, fromBeginning: true });
    await reader.run({ eachMessage: async ({ message }) => void replies.push(message) });
    await eventually(
      () => replies,
      (seen) => seen.length >= 1,
    );
    await reader.disconnect();
    // The reply's own publish span ends once Kafka acknowledged it.
    await eventually(
      () => exporter.getFinishedSpans().filter((span) => span.name.startsWith('publish')),
      (spans) => spans.length >= 2,
    );

    const spans = exporter.getFinishedSpans();
    const named = (name: string) => {
      const found = spans.find((span) => span.name === name);
      if (!found)
        throw new Error(`no span ${name} among ${spans.map((span) => span.name).join(', ')}`);
      return found;
    };
    const traceId = request.spanContext().traceId;
    const publishCommand = named(`publish ${Topics.catalogCommands}`);
    const processCommand = named(`process ${Topics.catalogCommands}`);
    const publishReply = named(`publish ${Topics.orderSagaReplies}`);
    expect(
      [publishCommand, processCommand, publishReply].map((span) => span.spanContext().traceId),
    ).toEqual([traceId, traceId, traceId]);
    expect(publishCommand.parentSpanContext?.spanId).toBe(request.spanContext().spanId);
    expect(processCommand.parentSpanContext?.spanId).toBe(publishCommand.spanContext().spanId);
    expect(publishReply.parentSpanContext?.spanId).toBe(processCommand.spanContext().spanId);
    expect(processCommand.kind).toBe(SpanKind.CONSUMER);
    expect(processCommand.attributes).toMatchObject({
      'messaging.system': 'kafka',
      'messaging.destination.name': Topics.catalogCommands,
      'messaging.message.conversation_id': orderId,
      'shop.message.outcome': 'processed',
    });
    // What the next service sees: the header names the reply's publish span, the envelope the handler's span.
    const reply = replies[0] as KafkaMessage;
    expect(reply.headers?.['traceparent']?.toString()).toBe(
      `00-${traceId}-${publishReply.spanContext().spanId}-01`,
    );
    expect(JSON.parse(reply.value?.toString() ?? '{}')).toMatchObject({
      traceparent: `00-${traceId}-${processCommand.spanContext().spanId}-01`,
    });
  });

  it('counts settled and dead-lettered messages and reports consumer lag and the outbox backlog', async () => {
    const producer = bed.kafka.client.producer({
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await producer.connect();
    await producer.send({
      topic: `${prefix}${Topics.catalogCommands}`,
      messages: [{ key: 'poison', value: 'not json at all' }],
    });
    await producer.disconnect();

    const text = await eventually(
      () => registry.metrics(),
      (metrics) =>
        (sample(metrics, 'dead_letter_messages_total', { topic: Topics.catalogCommands }) ?? 0) >=
        1,
    );
    expect(
      sample(text, 'dead_letter_messages_total', {
        topic: Topics.catalogCommands,
        reason: 'unparseable',
        service: 'catalog',
      }),
    ).toBe(1);
    expect(
      sample(text, 'messages_consumed_total', {
        topic: Topics.catalogCommands,
        outcome: 'processed',
      }),
    ).toBeGreaterThanOrEqual(1);

    // Everything consumed and committed: no lag on any partition of the topic.
    const settled = await eventually(
      () => registry.metrics(),
      (metrics) =>
        [0, 1, 2].every(
          (partition) =>
            sample(metrics, 'kafka_consumer_lag_messages', {
              topic: Topics.catalogCommands,
              partition: String(partition),
            }) === 0,
        ),
    );
    expect(settled).toContain(`group="${prefix}catalog"`);
    // The relay keeps up: nothing waits in the outbox.
    expect(sample(settled, 'outbox_backlog_messages', {})).toBe(0);
    expect(sample(settled, 'outbox_oldest_unsent_age_seconds', {})).toBe(0);
  });

  it('is ready while Kafka answers', async () => {
    await expect(moduleRef.get(MessagingHealth).check()).resolves.toBeUndefined();
  });
});

describe('outbox backlog gauges while no relay sends (real PostgreSQL)', () => {
  const bed = new MessagingTestBed('messaging-backlog');
  let moduleRef: INestApplication;

  beforeAll(async () => {
    await bed.setUp();
    const testingModule = await Test.createTestingModule({
      imports: [
        MetricsModule.forService('order'),
        MessagingModule.forRootAsync({
          useFactory: () => ({
            service: 'order',
            brokers: bed.kafka.brokers,
            topicPrefix: bed.kafka.prefix,
            dataSource: bed.dataSource,
            relay: { enabled: false },
          }),
        }),
      ],
    }).compile();
    moduleRef = await startMessagingApp(testingModule);
  });

  afterAll(async () => {
    await moduleRef?.close();
    await bed.tearDown();
  });

  it('counts the unsent messages and ages the oldest', async () => {
    const publisher = moduleRef.get(MessagePublisher);
    for (const quantity of [1, 2]) {
      const orderId = randomUUID();
      await bed.dataSource.transaction((manager) =>
        publisher.publish(
          manager,
          ReserveStockV1,
          { orderId, items: [{ productId: randomUUID(), quantity }] },
          { correlationId: orderId },
        ),
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const text = await moduleRef.get(Registry).metrics();
    expect(sample(text, 'outbox_backlog_messages', { service: 'order' })).toBe(2);
    expect(sample(text, 'outbox_oldest_unsent_age_seconds', {})).toBeGreaterThanOrEqual(1);
  });
});
