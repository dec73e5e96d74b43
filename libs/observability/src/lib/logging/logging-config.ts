import { z } from 'zod';

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

/**
 * The logging settings every service's configuration schema spreads in.
 * Unset, the level falls back to the process's `LOG_LEVEL`, then `info`.
 */
export const loggingConfigShape = {
  LOG_LEVEL: z.enum(LOG_LEVELS).optional(),
  /** `json` (default) for machines, `pretty` for a terminal (needs the pino-pretty dev dependency). */
  LOG_FORMAT: z.enum(['json', 'pretty']).default('json'),
};

export interface LoggingConfig {
  LOG_LEVEL?: (typeof LOG_LEVELS)[number] | undefined;
  LOG_FORMAT: 'json' | 'pretty';
}
