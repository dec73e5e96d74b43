/** `@shop/observability/tracing`: kept apart so that importing the lib does not load the SDK. */
export {
  type InstrumentationName,
  instrumentationNames,
  startTracing,
  type StartTracingOptions,
} from './lib/tracing/start-tracing';
