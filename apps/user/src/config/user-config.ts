import { loggingConfigShape } from '@shop/observability';
import { InvalidConfigurationError, parseConfig } from '@shop/service-kit';
import { z } from 'zod';

const port = z.coerce.number().int().min(1).max(65_535);

// Only the public members of an RSA JWK: a pasted private key (d, p, q, …) is never served.
const previousPublicKeySchema = z
  .object({
    kty: z.literal('RSA'),
    n: z.string().min(1),
    e: z.string().min(1),
    kid: z.string().min(1),
  })
  .transform(({ kty, n, e, kid }) => ({ kty, n, e, kid, alg: 'RS256', use: 'sig' }));

/** Every setting of the user service, from the environment, checked at start-up. */
export const userConfigSchema = z.object({
  ...loggingConfigShape,
  /** Only `development` and `test` may run without a configured signing key. */
  NODE_ENV: z.enum(['development', 'test', 'production']).optional(),
  PORT: port.default(3001),
  USER_DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }),
  KAFKA_BROKERS: z
    .string()
    .min(1)
    .transform((value) => value.split(',').map((broker) => broker.trim())),
  KAFKA_TOPIC_PREFIX: z.string().default(''),
  AUTH_ISSUER: z.url().default('http://localhost:3001'),
  AUTH_AUDIENCE: z.string().min(1).default('shop'),
  /** This service's own JWKS, which its guards verify against (like every other service). */
  AUTH_JWKS_URL: z.url().optional(),
  AUTH_ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).max(3_600).default(900),
  /** A session unused this long ends: each refresh token lives this long (rotation gives a new one). */
  AUTH_REFRESH_TOKEN_TTL_DAYS: z.coerce.number().int().min(1).max(90).default(30),
  /** A session ends this long after its login, however often it is refreshed. */
  AUTH_SESSION_MAX_DAYS: z.coerce.number().int().min(1).max(365).default(90),
  /** PKCS#8 PEM of the RS256 signing key; generated per process in development when absent. */
  AUTH_PRIVATE_KEY: z.string().startsWith('-----BEGIN PRIVATE KEY-----').optional(),
  /**
   * Express "trust proxy": which hops may set X-Forwarded-For, so that the
   * per-address login limit sees the client, not the gateway (e.g. `loopback`,
   * `10.0.0.0/8`, or a hop count). Unset: the direct peer is the client.
   */
  TRUST_PROXY: z.string().min(1).optional(),
  /** The admin account created at start-up when missing (both or neither). */
  ADMIN_EMAIL: z.email().optional(),
  ADMIN_PASSWORD: z.string().min(12).optional(),
  /** The demo customer, for `npm run demo` (both or neither). */
  DEMO_CUSTOMER_EMAIL: z.email().optional(),
  DEMO_CUSTOMER_PASSWORD: z.string().min(12).optional(),
  /** Public keys of earlier signing keys (a JWKS document), still served during a rotation. */
  AUTH_PREVIOUS_PUBLIC_KEYS: z
    .string()
    .transform((text, context) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        context.addIssue({ code: 'custom', message: 'is not JSON (a JWKS document is expected)' });
        return z.NEVER;
      }
    })
    .pipe(z.object({ keys: z.array(previousPublicKeySchema) }))
    .optional(),
});

export type UserConfig = z.infer<typeof userConfigSchema> & { AUTH_JWKS_URL: string };

/** Reads and checks the configuration; one message names every bad or missing variable. */
export function loadUserConfig(env: NodeJS.ProcessEnv = process.env): UserConfig {
  const config = parseConfig(userConfigSchema, env);
  for (const [email, password] of [
    ['ADMIN_EMAIL', 'ADMIN_PASSWORD'],
    ['DEMO_CUSTOMER_EMAIL', 'DEMO_CUSTOMER_PASSWORD'],
  ] as const) {
    if (Boolean(config[email]) !== Boolean(config[password])) {
      throw new InvalidConfigurationError(`set both ${email} and ${password}, or neither`);
    }
  }
  const mayGenerateKey = config.NODE_ENV === 'development' || config.NODE_ENV === 'test';
  if (!mayGenerateKey && !config.AUTH_PRIVATE_KEY) {
    throw new InvalidConfigurationError(
      'AUTH_PRIVATE_KEY is required unless NODE_ENV is development or test',
    );
  }
  return {
    ...config,
    AUTH_JWKS_URL: config.AUTH_JWKS_URL ?? `http://127.0.0.1:${config.PORT}/.well-known/jwks.json`,
  };
}
