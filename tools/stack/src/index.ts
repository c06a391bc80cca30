export { apicurioJvmFlags, CCOMPAT_PATH, registryAnswers } from './apicurio.js';
export { StackError, type StackErrorCode } from './errors.js';
export { fetchArtifacts } from './fetch.js';
export { findJava, parseJavaMajor } from './java.js';
export { kafkaAnswers, serverProperties } from './kafka.js';
export { cpuSeconds, freePort } from './processes.js';
export { type ProvisionResult, provision, topicPartitions } from './provision.js';
export {
  benchmarkKafka,
  DEFAULT_PORTS,
  DEFAULT_STACK_DIR,
  freeStackPorts,
  readState,
  type StackOptions,
  type StackPorts,
  type StackState,
  type StackUp,
  startLocalStack,
  startStackBroker,
  startThrowawayStack,
  stopLocalStack,
  stopStackBroker,
  type ThrowawayStack,
} from './stack.js';
export { APICURIO_VERSION, KAFKA_VERSION } from './versions.js';
