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
// For tools/compose, which builds stand-in images from the same servers and runs commands alike.
export { aptInstall } from './native/apt';
export { ensureFerretdb } from './native/mongo-server';
export { type RunResult, commandSucceeds, findOnPath, isRoot, run, runOrFail } from './run-command';
export { FERRETDB_VERSION } from './versions';
export { waitUntil } from './wait-until';
