import { loggingConfigShape } from '@shop/observability';
import { parseConfig } from '@shop/service-kit';
import { z } from 'zod';

const port = z.coerce.number().int().min(1).max(65_535);

/** Every setting of the catalog service, from the environment, checked at start-up. */
export const catalogConfigSchema = z.object({
  ...loggingConfigShape,
  NODE_ENV: z.enum(['development', 'test', 'production']).optional(),
  PORT: port.default(3002),
  /** The catalog's own database (the path names it, e.g. `mongodb://host:27017/catalog`). */
  CATALOG_MONGODB_URL: z.url({ protocol: /^mongodb(\+srv)?$/ }),
  KAFKA_BROKERS: z
    .string()
    .min(1)
    .transform((value) => value.split(',').map((broker) => broker.trim())),
  KAFKA_TOPIC_PREFIX: z.string().default(''),
  /** A replica killed without a goodbye keeps its command partitions this long (6 s to 5 min). */
  KAFKA_SESSION_TIMEOUT_MS: z.coerce.number().int().min(6_000).max(300_000).default(30_000),
  AUTH_JWKS_URL: z.url().default('http://127.0.0.1:3001/.well-known/jwks.json'),
  AUTH_ISSUER: z.url().default('http://localhost:3001'),
  AUTH_AUDIENCE: z.string().min(1).default('shop'),
  /** The one currency the catalog sells in: price filters compare amounts, so they must share it. */
  CATALOG_CURRENCY: z
    .string()
    .regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as EUR')
    .default('EUR'),
  /** A new product's stock-low threshold unless the request gives one. */
  CATALOG_LOW_STOCK_THRESHOLD: z.coerce.number().int().min(0).default(5),
  /** How often product events left in product documents (e.g. after a crash) are looked for. */
  CATALOG_EVENT_SWEEP_INTERVAL_MS: z.coerce.number().int().min(100).max(600_000).default(5_000),
});

export type CatalogConfig = z.infer<typeof catalogConfigSchema>;

/** Reads and checks the configuration; one message names every bad or missing variable. */
export function loadCatalogConfig(env: NodeJS.ProcessEnv = process.env): CatalogConfig {
  return parseConfig(catalogConfigSchema, env);
}
