import { requestContextOf, traceHeadersOf, traceLogFieldsOf } from './request-context';

describe('requestContextOf', () => {
  it('keeps a well-formed request id and continues the caller’s trace with a new span', () => {
    const parent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const context = requestContextOf({ 'x-request-id': 'abc-123', traceparent: parent });
    expect(context.requestId).toBe('abc-123');
    expect(context.traceparent).toMatch(/^00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-01$/);
    expect(context.traceparent).not.toBe(parent);
    // The caller's vendor state travels with its trace; none without one.
    expect(
      traceHeadersOf(requestContextOf({ traceparent: parent, tracestate: 'shop=a1,vendor=b2' })),
    ).toEqual({
      traceparent: expect.stringMatching(/^00-4bf92f3577b34da6a3ce929d0e0e4736-/),
      tracestate: 'shop=a1,vendor=b2',
    });
    expect(traceHeadersOf(requestContextOf({ tracestate: 'shop=a1' }))).not.toHaveProperty(
      'tracestate',
    );
    // Its log lines name the same trace and the span it forwards.
    expect(traceLogFieldsOf(context)).toEqual({
      trace_id: '4bf92f3577b34da6a3ce929d0e0e4736',
      span_id: (context.traceparent as string).slice(36, 52),
    });
    // The caller's sampling decision travels on.
    const unsampled = requestContextOf({ traceparent: parent.replace(/-01$/, '-00') });
    expect(unsampled.traceparent).toMatch(/^00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-00$/);
  });

  it('replaces a malformed request id and starts an unsampled trace when none (or a bad one) is given', () => {
    const context = requestContextOf({
      'x-request-id': 'bad id\nwith newline',
      traceparent: '00-0-0-0',
    });
    expect(context.requestId).toMatch(/^[0-9a-f-]{36}$/);
    // Not sampled: nothing records it at the gateway, so the services behind record nothing either.
    expect(context.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/);
  });
});
