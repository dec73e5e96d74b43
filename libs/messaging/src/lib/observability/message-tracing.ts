import { type Attributes, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { type MessageEnvelope } from '@shop/contracts';
import { activeTraceparent, contextFromTraceparent, formatTraceparent } from '@shop/observability';
import { type KafkaMessage } from 'kafkajs';

const tracer = trace.getTracer('@shop/messaging');

/**
 * The envelope as it goes into the outbox: its `traceparent` is the span
 * active while it is written (the request, or the handling of the message that
 * caused it), so the trace goes on where it is consumed. Without an active
 * span, the traceparent it was created with stays.
 */
export function withActiveTrace<T extends MessageEnvelope>(envelope: T): T {
  const traceparent = activeTraceparent();
  return traceparent ? { ...envelope, traceparent } : envelope;
}

/**
 * A `publish` span for a message the relay sends, child of the span that wrote
 * it; none for a message written outside any trace. Its traceparent replaces
 * the Kafka header's, so the consumer's span hangs under the publish.
 */
export function startPublishSpan(
  topic: string,
  headers: Record<string, string>,
  attributes: Attributes,
): Span | undefined {
  if (!headers['traceparent']) return undefined;
  return tracer.startSpan(
    `publish ${topic}`,
    {
      kind: SpanKind.PRODUCER,
      attributes: {
        'messaging.system': 'kafka',
        'messaging.operation.type': 'send',
        'messaging.destination.name': topic,
        ...attributes,
      },
    },
    contextFromTraceparent(headers['traceparent']),
  );
}

export function endSpan(span: Span | undefined, error?: unknown): void {
  if (!span) return;
  if (error !== undefined) {
    span.recordException(error instanceof Error ? error : String(error));
    span.setStatus({ code: SpanStatusCode.ERROR });
  }
  span.end();
}

export function tracedHeaders(headers: Record<string, string>, span: Span | undefined) {
  return span ? { ...headers, traceparent: formatTraceparent(span.spanContext()) } : headers;
}

function headerText(message: KafkaMessage, name: string): string | undefined {
  const value = message.headers?.[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : first.toString();
}

/**
 * Runs the handling of a consumed message inside a `process` span whose parent
 * is the publish span (the Kafka header), else the writer's span (the
 * envelope): the consumer's database work and the messages it sends belong to
 * the same trace as the request that started it all.
 */
export function inProcessSpan<T>(
  topic: string,
  groupId: string,
  message: KafkaMessage,
  envelope: MessageEnvelope,
  work: (span: Span) => Promise<T>,
): Promise<T> {
  const parent = contextFromTraceparent(headerText(message, 'traceparent') ?? envelope.traceparent);
  return tracer.startActiveSpan(
    `process ${topic}`,
    {
      kind: SpanKind.CONSUMER,
      attributes: {
        'messaging.system': 'kafka',
        'messaging.operation.type': 'process',
        'messaging.destination.name': topic,
        'messaging.consumer.group.name': groupId,
        'messaging.message.id': envelope.id,
        'messaging.message.conversation_id': envelope.correlationId,
        'messaging.kafka.offset': Number(message.offset),
        'shop.message.type': envelope.type,
      },
    },
    parent,
    async (span) => {
      try {
        const result = await work(span);
        span.end();
        return result;
      } catch (error) {
        endSpan(span, error);
        throw error;
      }
    },
  );
}
