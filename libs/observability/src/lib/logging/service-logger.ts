import { hostname } from 'node:os';
import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import { activeTraceFields } from '../tracing/trace-context';
import { currentLogContext } from './log-context';

export interface ServiceLoggerOptions {
  /** pino level: trace, debug, info (default), warn, error, fatal, silent. */
  level?: string;
  /** `json` (default: one object per line, for machines) or `pretty` (local development; needs pino-pretty). */
  format?: 'json' | 'pretty';
}

/**
 * Never written to a log: credentials in headers and bodies. The request
 * serializer keeps no headers at all; these paths are the second line, for
 * objects someone logs by hand (a DTO, an upstream's error).
 */
export const REDACTED_PATHS: readonly string[] = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  ...[
    'password',
    'token',
    'accessToken',
    'refreshToken',
    'paymentMethodToken',
    'authorization',
  ].flatMap((key) => [key, `*.${key}`, `*.*.${key}`]),
];

/**
 * The options every service's logger shares: JSON lines with `service`,
 * the active span's `trace_id`/`span_id`, and the unit of work's fields
 * (withLogContext: a message's ids, an order id), credentials redacted.
 */
export function serviceLoggerOptions(
  service: string,
  options: ServiceLoggerOptions = {},
): LoggerOptions {
  return {
    level: options.level ?? 'info',
    base: { service, pid: process.pid, hostname: hostname() },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: [...REDACTED_PATHS], censor: '[Redacted]' },
    mixin: () => ({ ...activeTraceFields(), ...currentLogContext() }),
    ...(options.format === 'pretty'
      ? {
          transport: {
            target: 'pino-pretty',
            options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' },
          },
        }
      : {}),
  };
}

/** A service's root logger; `destination` for tests (default: stdout). */
export function createServiceLogger(
  service: string,
  options: ServiceLoggerOptions = {},
  destination?: DestinationStream,
): Logger {
  const loggerOptions = serviceLoggerOptions(service, options);
  return destination && !loggerOptions.transport
    ? pino(loggerOptions, destination)
    : pino(loggerOptions);
}
