/**
 * Imported first by main.ts: OpenTelemetry must patch http and undici before
 * anything loads them. Every request passes the same middleware here, so no
 * span per Express or Nest layer: the server span and the upstream call's
 * client span tell the story, at a fraction of the cost (bench/README.md).
 */
import { startTracing } from '@shop/observability/tracing';

startTracing('gateway', { without: ['express', 'nestjs-core'] });
