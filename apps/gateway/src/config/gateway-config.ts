import { loggingConfigShape } from '@shop/observability';
import { parseConfig } from '@shop/service-kit';
import { z } from 'zod';

const port = z.coerce.number().int().min(1).max(65_535);
const positive = (fallback: number) => z.coerce.number().int().min(1).default(fallback);
const list = z.string().transform((value) =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean),
);

const UNIT_BYTES: Record<string, number> = { b: 1, kb: 1024, mb: 1024 * 1024 };

/** `100kb` → 102400 (the units the schema allows). */
function toBytes(size: string): number {
  const [, amount = '0', unit = 'b'] = /^(\d+)([a-z]+)$/i.exec(size) ?? [];
  return Number(amount) * (UNIT_BYTES[unit.toLowerCase()] ?? 1);
}

/** Every setting of the gateway, from the environment, checked at start-up. */
export const gatewayConfigSchema = z.object({
  ...loggingConfigShape,
  NODE_ENV: z.enum(['development', 'test', 'production']).optional(),
  PORT: port.default(3000),
  USER_SERVICE_URL: z.url().default('http://localhost:3001'),
  CATALOG_SERVICE_URL: z.url().default('http://localhost:3002'),
  ORDER_SERVICE_URL: z.url().default('http://localhost:3003'),
  PAYMENT_SERVICE_URL: z.url().default('http://localhost:3004'),
  AUTH_JWKS_URL: z.url().default('http://localhost:3001/.well-known/jwks.json'),
  AUTH_ISSUER: z.url().default('http://localhost:3001'),
  AUTH_AUDIENCE: z.string().min(1).default('shop'),
  /** Per attempt; idempotent reads are retried UPSTREAM_RETRIES times on top. */
  UPSTREAM_TIMEOUT_MS: positive(5_000),
  UPSTREAM_RETRIES: z.coerce.number().int().min(0).max(5).default(1),
  UPSTREAM_BREAKER_RESET_MS: positive(5_000),
  /** Calls in flight per upstream (bulkhead). */
  UPSTREAM_MAX_CONCURRENT: positive(256),
  /** Requests per window per client address, on every route. */
  RATE_LIMIT_PER_ADDRESS: positive(600),
  /** Requests per window per signed-in user. */
  RATE_LIMIT_PER_USER: positive(300),
  /** Requests per window per client address on the auth routes (login, register, refresh). */
  RATE_LIMIT_AUTH_PER_ADDRESS: positive(20),
  RATE_LIMIT_WINDOW_SECONDS: positive(60),
  /** Shared limits across replicas; unset: in-memory, per replica. */
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
  /**
   * With Redis: how often a replica sends the counts it decided on to Redis (one command per
   * key); the first request of a key in a window still waits for Redis's count.
   */
  RATE_LIMIT_SYNC_MS: positive(10),
  /** Prefix of the counters' keys in Redis: replicas that share a budget share it. */
  RATE_LIMIT_KEY_PREFIX: z
    .string()
    .regex(/^[\w.:-]{1,64}$/, 'letters, digits and . : - _')
    .default('gateway:rl'),
  /** Origins allowed by CORS (comma-separated); empty: no cross-origin access. */
  CORS_ORIGINS: list.default([]),
  /** Largest request body accepted (`100kb`, `1mb`); in bytes once read. */
  BODY_LIMIT: z
    .string()
    .regex(/^\d+(b|kb|mb)$/i, 'a size such as 100kb')
    .default('100kb')
    .transform(toBytes),
  /** How long a public product read is served from cache before asking the catalog again. */
  PRODUCT_CACHE_TTL_MS: positive(5_000),
  /** How long a cached product read may stand in while the catalog is down. */
  PRODUCT_CACHE_STALE_MS: positive(10 * 60_000),
  /** How often the services' OpenAPI documents are fetched again and merged. */
  OPENAPI_REFRESH_MS: positive(60_000),
  /** Trusted proxies (e.g. `loopback`, a CIDR or a hop count): who may set X-Forwarded-For. */
  TRUST_PROXY: z.string().min(1).optional(),
});

export type GatewayConfig = z.infer<typeof gatewayConfigSchema>;

/** Reads and checks the configuration; one message names every bad or missing variable. */
export function loadGatewayConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  return parseConfig(gatewayConfigSchema, env);
}
