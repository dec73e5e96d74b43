import { type z } from 'zod';
import { InvalidConfigurationError } from './invalid-configuration.error';

/**
 * Checks the environment against a service's config schema. One error names
 * every bad or missing variable (`PORT: …; KAFKA_BROKERS: …`), so a deploy
 * is fixed in one round.
 */
export function parseConfig<Schema extends z.ZodType>(
  schema: Schema,
  env: NodeJS.ProcessEnv,
): z.output<Schema> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.join('.')}: ${issue.message}`,
    );
    throw new InvalidConfigurationError(problems.join('; '));
  }
  return parsed.data;
}
