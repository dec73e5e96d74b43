/**
 * Imported first by main.ts: OpenTelemetry must patch http, express and
 * undici before anything loads them.
 */
import { startTracing } from '@shop/observability/tracing';

startTracing('gateway');
