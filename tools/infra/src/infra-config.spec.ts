import { InfraError } from './infra-error';
import { readInfraConfig } from './infra-config';

describe('readInfraConfig', () => {
  it('defaults to the well-known ports on loopback, the controller next to the broker', () => {
    const config = readInfraConfig({});

    expect(config).toMatchObject({
      mode: 'auto',
      host: '127.0.0.1',
      postgresPort: 5432,
      kafkaPort: 9092,
      kafkaControllerPort: 9093,
      mongoPort: 27017,
      redisPort: 6380,
      given: {},
    });
  });

  it('takes ports and servers a person already has from the environment', () => {
    const config = readInfraConfig({
      INFRA_KAFKA_PORT: '19092',
      DATABASE_URL: 'postgres://u:p@db:5432/postgres',
      KAFKA_BROKERS: '',
      REDIS_URL: 'redis://cache:6379',
    });

    expect(config.kafkaPort).toBe(19092);
    expect(config.kafkaControllerPort).toBe(19093);
    expect(config.given).toEqual({
      databaseUrl: 'postgres://u:p@db:5432/postgres',
      redisUrl: 'redis://cache:6379',
    });
  });

  it.each([
    ['INFRA_POSTGRES_PORT', 'abc'],
    ['INFRA_MONGO_PORT', '70000'],
    ['INFRA_REDIS_PORT', '0'],
    ['INFRA_MODE', 'kubernetes'],
  ])('refuses %s=%s with a message naming it', (name, value) => {
    expect(() => readInfraConfig({ [name]: value })).toThrow(InfraError);
    expect(() => readInfraConfig({ [name]: value })).toThrow(name);
  });
});
