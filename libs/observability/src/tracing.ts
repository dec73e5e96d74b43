/** `@shop/observability/tracing`: kept apart so that importing the lib does not load the SDK. */
export { startTracing, type StartTracingOptions } from './lib/tracing/start-tracing';
