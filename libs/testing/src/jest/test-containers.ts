import type { StartedTestContainer } from 'testcontainers';

// The same server versions as docker-compose.yml. Kafka: testcontainers' Kafka
// module drives Confluent's image; cp-kafka 7.9 is Apache Kafka 3.9.
const IMAGES = {
  postgres: 'postgres:16-alpine',
  mongodb: 'mongo:7.0',
  kafka: 'confluentinc/cp-kafka:7.9.0',
  redis: 'redis:7.0-alpine',
};

// Kept on globalThis: Jest's global teardown runs in the same process, another module registry.
const key = Symbol.for('shop.testing.containers');
type Registry = { [key]?: StartedTestContainer[] };

/** Starts PostgreSQL, MongoDB, Kafka and Redis containers; returns the settings env. */
export async function startTestContainers(): Promise<Record<string, string>> {
  // Loaded only here: machines without Docker never load testcontainers.
  const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
  const { MongoDBContainer } = await import('@testcontainers/mongodb');
  const { KafkaContainer } = await import('@testcontainers/kafka');
  const { GenericContainer, Wait } = await import('testcontainers');
  const [postgres, mongodb, kafka, redis] = await Promise.all([
    new PostgreSqlContainer(IMAGES.postgres).start(),
    new MongoDBContainer(IMAGES.mongodb).start(),
    new KafkaContainer(IMAGES.kafka).withKraft().start(),
    new GenericContainer(IMAGES.redis)
      .withExposedPorts(6379)
      .withWaitStrategy(Wait.forLogMessage('Ready to accept connections'))
      .start(),
  ]);
  (globalThis as Registry)[key] = [postgres, mongodb, kafka, redis];
  return {
    DATABASE_URL: postgres.getConnectionUri(),
    MONGODB_URL: `${mongodb.getConnectionString()}/?directConnection=true`,
    MONGODB_SERVER: 'mongod',
    KAFKA_BROKERS: `${kafka.getHost()}:${kafka.getMappedPort(9093)}`,
    REDIS_URL: `redis://${redis.getHost()}:${redis.getMappedPort(6379)}`,
  };
}

export async function stopTestContainers(): Promise<void> {
  const containers = (globalThis as Registry)[key] ?? [];
  await Promise.all(containers.map((container) => container.stop()));
  delete (globalThis as Registry)[key];
}
