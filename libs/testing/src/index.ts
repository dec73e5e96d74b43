export { TestKafkaNamespace } from './lib/test-kafka-namespace';
export { TestMongoDatabase } from './lib/test-mongo-database';
export { TestPostgresDatabase } from './lib/test-postgres-database';
export { type TestInfraSettings, testInfraSettings } from './lib/test-infra-settings';
export { uniqueName } from './lib/unique-name';
export { DisposableKafkaBroker } from './lib/disposable-kafka-broker';
export { TestTokenIssuer, type TestTokenClaims } from './lib/test-token-issuer';
export { DECLARED_SKIP_MARKER, itWhen } from './lib/test-when';
