import {
  type Context,
  context,
  isSpanContextValid,
  ROOT_CONTEXT,
  type SpanContext,
  trace,
  TraceFlags,
} from '@opentelemetry/api';

// W3C Trace Context: version-traceid-parentid-flags, ids not all zeros.
const TRACEPARENT = /^00-((?!0{32})[0-9a-f]{32})-((?!0{16})[0-9a-f]{16})-([0-9a-f]{2})$/;

/** The W3C `traceparent` of a span context. */
export function formatTraceparent(spanContext: SpanContext): string {
  const flags = (spanContext.traceFlags & 0xff).toString(16).padStart(2, '0');
  return `00-${spanContext.traceId}-${spanContext.spanId}-${flags}`;
}

/**
 * The `traceparent` of the span active right now, or undefined when there is
 * none (tracing off, or code running outside any span). Messages written in a
 * request or while handling a message carry it, so the trace continues in the
 * service that consumes them.
 */
export function activeTraceparent(): string | undefined {
  const spanContext = trace.getActiveSpan()?.spanContext();
  return spanContext && isSpanContextValid(spanContext)
    ? formatTraceparent(spanContext)
    : undefined;
}

/**
 * A context whose parent is the remote span a `traceparent` names; the root
 * context for a missing or malformed one. Parsed here rather than through the
 * global propagator, so a message's trace is continued even where an app
 * registered another propagator.
 */
export function contextFromTraceparent(
  traceparent: string | undefined,
  parent: Context = ROOT_CONTEXT,
): Context {
  const match = traceparent ? TRACEPARENT.exec(traceparent) : null;
  if (!match) return parent;
  const [, traceId, spanId, flags] = match as unknown as [string, string, string, string];
  return trace.setSpanContext(parent, {
    traceId,
    spanId,
    traceFlags: Number.parseInt(flags, 16) & TraceFlags.SAMPLED,
    isRemote: true,
  });
}

/** The ids logs carry: those of the active span, if any. */
export function activeTraceFields(): { trace_id?: string; span_id?: string } {
  const spanContext = trace.getSpan(context.active())?.spanContext();
  if (!spanContext || !isSpanContextValid(spanContext)) return {};
  return { trace_id: spanContext.traceId, span_id: spanContext.spanId };
}
