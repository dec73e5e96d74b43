import { randomBytes, randomUUID } from 'node:crypto';
import { activeTraceparent } from '@shop/observability';

const REQUEST_ID = /^[\w.:-]{1,128}$/;
// W3C Trace Context: version-traceid-parentid-flags, ids not all zeros.
const TRACEPARENT = /^00-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}$/;

export interface RequestContext {
  requestId: string;
  /**
   * The trace context to send upstream, when the gateway propagates it
   * itself: with OpenTelemetry running (the request has a server span), the
   * HTTP client's instrumentation sends its own span's, and a second header
   * would break the trace.
   */
  traceparent: string | undefined;
  /** The caller's `tracestate`, passed on with its trace (vendors' entries, untouched). */
  tracestate?: string;
}

/**
 * The ids the gateway's log lines carry for a trace it carries itself, as the
 * SDK's log mixin names them; none while OpenTelemetry runs (its mixin does).
 */
export function traceLogFieldsOf({
  traceparent,
}: RequestContext): { trace_id: string; span_id: string } | undefined {
  return traceparent
    ? { trace_id: traceparent.slice(3, 35), span_id: traceparent.slice(36, 52) }
    : undefined;
}

/** The trace context headers for a call upstream (none while OpenTelemetry sends its own). */
export function traceHeadersOf({
  traceparent,
  tracestate,
}: RequestContext): Record<string, string> {
  if (!traceparent) return {};
  return tracestate ? { traceparent, tracestate } : { traceparent };
}

/**
 * The request id (a client's own, when well-formed, else a new one) and the
 * W3C trace context, when no OpenTelemetry span is active (the SDK runs only
 * while spans are exported): the caller's trace continues with a new span id
 * for the hop to the upstream, its sampled flag kept; or a trace starts here,
 * not sampled. That is the decision the SDK's sampler takes for a trace it
 * starts without an exporter (parent-based, roots off): the services behind
 * record nothing for it, yet every hop and message carries its trace id.
 */
export function requestContextOf(
  headers: Record<string, string | string[] | undefined>,
): RequestContext {
  const given = headers['x-request-id'];
  const requestId = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
  if (activeTraceparent()) return { requestId, traceparent: undefined };
  const parent = headers['traceparent'];
  const spanId = randomBytes(8).toString('hex');
  if (typeof parent !== 'string' || !TRACEPARENT.test(parent)) {
    return { requestId, traceparent: `00-${randomBytes(16).toString('hex')}-${spanId}-00` };
  }
  const continued = `00-${parent.slice(3, 35)}-${spanId}-${parent.slice(53, 55)}`;
  const state = headers['tracestate'];
  // Bounded (W3C lets a hop drop a tracestate it will not carry; it must never cut one).
  return typeof state === 'string' && state.length > 0 && state.length <= 8_192
    ? { requestId, traceparent: continued, tracestate: state }
    : { requestId, traceparent: continued };
}
