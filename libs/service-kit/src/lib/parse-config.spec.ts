import { z } from 'zod';
import { InvalidConfigurationError } from './invalid-configuration.error';
import { parseConfig } from './parse-config';

const schema = z.object({
  PORT: z.coerce.number().int().min(1).max(65_535).default(3000),
  KAFKA_BROKERS: z
    .string()
    .min(1)
    .transform((value) => value.split(',')),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }),
});

describe('parseConfig', () => {
  it('returns the settings as the schema makes them: coerced, transformed, defaulted', () => {
    expect(
      parseConfig(schema, { KAFKA_BROKERS: 'k1:9092,k2:9092', DATABASE_URL: 'postgres://db/x' }),
    ).toEqual({
      PORT: 3000,
      KAFKA_BROKERS: ['k1:9092', 'k2:9092'],
      DATABASE_URL: 'postgres://db/x',
    });
  });

  it('names every bad or missing variable in one configuration error', () => {
    const error = thrownBy(() =>
      parseConfig(schema, { PORT: 'eighty', DATABASE_URL: 'mysql://db/x' }),
    );

    expect(error).toBeInstanceOf(InvalidConfigurationError);
    expect(error.message).toBe(
      'invalid configuration: ' +
        'PORT: Invalid input: expected number, received NaN; ' +
        'KAFKA_BROKERS: Invalid input: expected string, received undefined; ' +
        'DATABASE_URL: Invalid URL',
    );
  });

  it('names a setting inside a JSON variable by its path', () => {
    const withKeys = z.object({
      KEYS: z
        .string()
        .transform((text) => JSON.parse(text) as unknown)
        .pipe(z.object({ keys: z.array(z.object({ kid: z.string() })) })),
    });

    expect(thrownBy(() => parseConfig(withKeys, { KEYS: '{"keys":[{}]}' })).message).toBe(
      'invalid configuration: KEYS.keys.0.kid: Invalid input: expected string, received undefined',
    );
  });
});

function thrownBy(parse: () => unknown): Error {
  try {
    parse();
  } catch (error) {
    return error as Error;
  }
  throw new Error('the configuration was accepted');
}
