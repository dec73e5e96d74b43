/**
 * Imported first by main.ts: OpenTelemetry must patch http and undici before
 * anything loads them. The gateway runs on Fastify (no Express to trace) and
 * every request passes the same hooks: no span per Nest layer. The server
 * span and the upstream call's client span tell the story (bench/README.md).
 *
 * Only when spans are exported (`OTEL_EXPORTER_OTLP_ENDPOINT`…): otherwise
 * nothing would record them, and the gateway carries the trace context
 * itself (`requestContextOf`), at less CPU per request (bench/README.md).
 */
import { startTracing } from '@shop/observability/tracing';

startTracing('gateway', { without: ['nestjs-core'], onlyWhenExporting: true });
