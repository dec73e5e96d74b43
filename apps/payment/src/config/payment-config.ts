import { loggingConfigShape } from '@shop/observability';
import { parseConfig } from '@shop/service-kit';
import { z } from 'zod';

const port = z.coerce.number().int().min(1).max(65_535);
const milliseconds = (max: number) => z.coerce.number().int().min(0).max(max);

/**
 * A command's provider calls run inside its inbox transaction, and the
 * consumer heartbeats only between messages: the worst case of one command
 * (an authorization, then its reversal, each with every attempt and retry
 * delay) must fit well inside the consumer's session (two thirds of it).
 */
const MAX_COMMAND_PROVIDER_TIME_MS = 20_000;
const SESSION_SHARE = 2 / 3;

/** The longest a command can spend on provider calls (ProviderCallPolicy's bounds, twice). */
function worstCommandProviderTimeMs(
  timeoutMs: number,
  attempts: number,
  retryDelayMs: number,
): number {
  let delays = 0;
  for (let attempt = 1; attempt < attempts; attempt += 1) {
    delays += Math.min(retryDelayMs * 8, retryDelayMs * 2 ** (attempt - 1));
  }
  return 2 * (attempts * timeoutMs + delays);
}

/** Every setting of the payment service, from the environment, checked at start-up. */
export const paymentConfigSchema = z
  .object({
    ...loggingConfigShape,
    PORT: port.default(3004),
    PAYMENT_DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }),
    KAFKA_BROKERS: z
      .string()
      .min(1)
      .transform((value) => value.split(',').map((broker) => broker.trim())),
    KAFKA_TOPIC_PREFIX: z.string().default(''),
    /** A replica killed without a goodbye keeps its partitions this long; bounds a command's provider time. */
    KAFKA_SESSION_TIMEOUT_MS: z.coerce.number().int().min(6_000).max(300_000).default(30_000),
    /** Tokens are issued by the user service; this service verifies them against its JWKS. */
    AUTH_JWKS_URL: z.url().default('http://localhost:3001/.well-known/jwks.json'),
    AUTH_ISSUER: z.url().default('http://localhost:3001'),
    AUTH_AUDIENCE: z.string().min(1).default('shop'),
    /** Which provider adapter serves the port; a real PSP adds its adapter and its value here. */
    PAYMENT_PROVIDER: z.enum(['fake']).default('fake'),
    PAYMENT_PROVIDER_TIMEOUT_MS: milliseconds(MAX_COMMAND_PROVIDER_TIME_MS).min(10).default(2_000),
    PAYMENT_PROVIDER_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(3),
    PAYMENT_PROVIDER_RETRY_DELAY_MS: milliseconds(5_000).default(200),
    /** Fault injection (fake provider only): latency added to every call, for drills. */
    PAYMENT_PROVIDER_LATENCY_MS: milliseconds(60_000).default(0),
    /** Fault injection (fake provider only): the share of calls, 0 to 1, that fail as an outage. */
    PAYMENT_PROVIDER_ERROR_RATE: z.coerce.number().min(0).max(1).default(0),
  })
  .superRefine((config, context) => {
    const worst = worstCommandProviderTimeMs(
      config.PAYMENT_PROVIDER_TIMEOUT_MS,
      config.PAYMENT_PROVIDER_MAX_ATTEMPTS,
      config.PAYMENT_PROVIDER_RETRY_DELAY_MS,
    );
    const limit = Math.min(
      MAX_COMMAND_PROVIDER_TIME_MS,
      Math.floor(config.KAFKA_SESSION_TIMEOUT_MS * SESSION_SHARE),
    );
    if (worst > limit) {
      context.addIssue({
        code: 'custom',
        path: ['PAYMENT_PROVIDER_TIMEOUT_MS'],
        message:
          `with PAYMENT_PROVIDER_MAX_ATTEMPTS and PAYMENT_PROVIDER_RETRY_DELAY_MS, a command could spend ${worst} ms ` +
          `on provider calls; at most ${limit} ms fit in a consumer's session (KAFKA_SESSION_TIMEOUT_MS)`,
      });
    }
  });

export type PaymentConfig = z.infer<typeof paymentConfigSchema>;

/** Reads and checks the configuration; one message names every bad or missing variable. */
export function loadPaymentConfig(env: NodeJS.ProcessEnv = process.env): PaymentConfig {
  return parseConfig(paymentConfigSchema, env);
}
