// Server versions the native provisioner installs. Kafka stays on 3.9.x: kafkajs
// 2.2.4 (its last release) is proven against it; see docs/adr/0003-native-servers.md.
export const KAFKA_VERSION = '3.9.1';
export const KAFKA_SCALA_VERSION = '2.13';
// Kafka 3.9 logs through log4j 1.x; these bridges are not transitive dependencies.
export const RELOAD4J_VERSION = '1.2.25';
export const SLF4J_RELOAD4J_VERSION = '1.7.36';
export const FERRETDB_MODULE = 'github.com/FerretDB/FerretDB';
export const FERRETDB_VERSION = 'v1.24.2';
