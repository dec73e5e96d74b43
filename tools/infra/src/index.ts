export { InfraError } from './infra-error';
export {
  type InfraSettings,
  type MongoServerKind,
  SERVICE_DATABASES,
  settingsToEnv,
  withDatabase,
  withPostgresDatabase,
} from './infra-settings';
export {
  type ProvisionedInfra,
  currentSettings,
  down,
  readProvisioned,
  status,
  up,
} from './provisioner';
export {
  type KafkaNodeSettings,
  ensureKafkaDistribution,
  kafkaClasspath,
  kafkaLog4jProperties,
  kafkaServerProperties,
  newKafkaClusterId,
  resolvedKafkaClasspath,
  /** Stops the native broker of this checkout (a fault drill); `up()` starts it again. */
  stopNativeKafka,
} from './native/kafka-server';
export { KAFKA_VERSION } from './versions';
/** A server this checkout started and that still runs (its pid, for the benchmarks' CPU accounting). */
export { runningProcess } from './managed-process';
