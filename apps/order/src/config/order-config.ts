import { loggingConfigShape } from '@shop/observability';
import { parseConfig } from '@shop/service-kit';
import { z } from 'zod';

const port = z.coerce.number().int().min(1).max(65_535);
const milliseconds = (fallback: number) => z.coerce.number().int().min(1).default(fallback);

/** Every setting of the order service, from the environment, checked at start-up. */
export const orderConfigSchema = z.object({
  ...loggingConfigShape,
  NODE_ENV: z.enum(['development', 'test', 'production']).optional(),
  PORT: port.default(3003),
  ORDER_DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }),
  KAFKA_BROKERS: z
    .string()
    .min(1)
    .transform((value) => value.split(',').map((broker) => broker.trim())),
  KAFKA_TOPIC_PREFIX: z.string().default(''),
  /** A replica that died without a goodbye keeps its reply partitions this long (6 s to 5 min). */
  KAFKA_SESSION_TIMEOUT_MS: z.coerce.number().int().min(6_000).max(300_000).default(30_000),
  AUTH_JWKS_URL: z.url().default('http://localhost:3001/.well-known/jwks.json'),
  AUTH_ISSUER: z.url().default('http://localhost:3001'),
  AUTH_AUDIENCE: z.string().min(1).default('shop'),
  /** The user service: customer checks, with the caller's token forwarded. */
  USER_SERVICE_URL: z.url().default('http://localhost:3001'),
  /** How long a customer the user service confirmed stays confirmed (0: ask for every order). */
  CUSTOMER_CONFIRMED_FOR_MS: z.coerce.number().int().min(0).default(30_000),
  /** The catalog service: the price snapshot of an order's products. */
  CATALOG_SERVICE_URL: z.url().default('http://localhost:3002'),
  /** Per attempt; reads are retried `UPSTREAM_RETRIES` times on top. */
  // With the retries, the worst case (about 3 s) stays under the gateway's own 5 s timeout.
  UPSTREAM_TIMEOUT_MS: milliseconds(1_000),
  UPSTREAM_RETRIES: z.coerce.number().int().min(0).max(5).default(2),
  /** How long an open circuit fails fast before one trial call. */
  UPSTREAM_BREAKER_RESET_MS: milliseconds(5_000),
  /** How long a saga step waits for its reply before re-sending the command. */
  SAGA_STEP_TIMEOUT_MS: milliseconds(10_000),
  /** Re-sends before a step without a reply counts as failed (steps after the pivot re-send forever). */
  SAGA_MAX_RESENDS: z.coerce.number().int().min(0).max(20).default(3),
  /** How often each replica looks for sagas whose deadline passed. */
  SAGA_DEADLINE_POLL_MS: milliseconds(1_000),
});

export type OrderConfig = z.infer<typeof orderConfigSchema>;

/** Reads and checks the configuration; one message names every bad or missing variable. */
export function loadOrderConfig(env: NodeJS.ProcessEnv = process.env): OrderConfig {
  return parseConfig(orderConfigSchema, env);
}
