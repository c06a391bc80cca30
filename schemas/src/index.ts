export {
  AVRO_NAMESPACE,
  avroType,
  EVENT_SCHEMA_NAMES,
  type EventSchemaName,
  parseSchema,
  type RawRecordSchema,
  rawSchema,
} from './avro.js';
export { assertValid, EventCodec } from './codec.js';
export { SchemaError, type SchemaErrorCode } from './errors.js';
export { exampleEvents } from './examples.js';
export * from './generated/events.js';
export {
  CALL_ID_MAX_LENGTH,
  callIdProblem,
  ID_GRAMMAR,
  ID_PATTERN,
  REQUEST_ID_MAX_LENGTH,
  requestIdProblem,
} from './ids.js';
export { MIN_MAX_TURNS, unseenCallEnd } from './lifecycle.js';
export {
  type Compatibility,
  type ConfluentRegistryOptions,
  ConfluentSchemaRegistry,
  LocalSchemaRegistry,
  readSchemaId,
  type SchemaRegistryPort,
} from './registry.js';
export {
  bindTopic,
  type EventOf,
  type EventTypes,
  SPOKEN_HEADER,
  TOPICS,
  type TopicBinding,
  type TopicKey,
  type TopicSpec,
  topicSpecs,
  valueSubject,
} from './topics.js';
