export {
  DEAD_LETTER_LIMITS,
  type DeadLetterReason,
  type DeliveryResult,
  deadLetterOf,
  deliver,
  type RawMessage,
} from './deliver.js';
export { BusError, type BusErrorCode, failurePolicy, PermanentError } from './errors.js';
export { type BusConfig, type BusOptions, busFromConfig } from './from-config.js';
export { KafkaEventBus, type KafkaEventBusOptions, kafkajsLogCreator } from './kafka-event-bus.js';
export { MemoryEventBus, type MemoryEventBusOptions } from './memory-event-bus.js';
export { partitionFor } from './partitioner.js';
export {
  type BusLogger,
  type ConsumedEvent,
  DEFAULT_RETRY,
  type EventBus,
  type EventHandler,
  type RetryPolicy,
  type SubscribeOptions,
  type Subscription,
  silentLogger,
} from './port.js';
export { percentile, roundTrips } from './round-trips.js';
