/** The logging the messaging runtime needs; Nest's LoggerService fits it. */
export interface MessagingLogger {
  log(message: string, context?: Record<string, unknown>): void;
  warn(message: string, context?: Record<string, unknown>): void;
  error(message: string, context?: Record<string, unknown>): void;
}

const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];

/**
 * One JSON line per event on stderr, for use outside Nest (tools, tests);
 * `LOG_LEVEL` (default info) drops the lines below it.
 */
export const jsonLineLogger = (component: string): MessagingLogger => {
  const threshold = Math.max(0, LEVELS.indexOf(process.env['LOG_LEVEL'] ?? 'info'));
  const write = (level: string, message: string, context?: Record<string, unknown>): void => {
    if (LEVELS.indexOf(level) < threshold) return;
    process.stderr.write(
      `${JSON.stringify({ level, time: new Date().toISOString(), component, message, ...context })}\n`,
    );
  };
  return {
    log: (message, context) => write('info', message, context),
    warn: (message, context) => write('warn', message, context),
    error: (message, context) => write('error', message, context),
  };
};
