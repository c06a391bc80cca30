import { ConfluentSchemaRegistry, EventCodec } from '@synthcall/schemas';
import { KafkaEventBus, type KafkaEventBusOptions } from './kafka-event-bus.js';
import { MemoryEventBus, type MemoryEventBusOptions } from './memory-event-bus.js';
import type { EventBus } from './port.js';

/** The bus variables every service reads (`busEnv` in @synthcall/config). */
export interface BusConfig {
  SYNTHCALL_BUS: 'memory' | 'kafka';
  KAFKA_BROKERS?: string[] | undefined;
  SCHEMA_REGISTRY_URL?: string | undefined;
  KAFKA_CLIENT_ID?: string | undefined;
}

/** What the caller adds to the config: its default client id, metrics, logger and Kafka tuning. */
export type BusOptions = { clientId: string } & Omit<KafkaEventBusOptions, 'brokers' | 'clientId' | 'codec'> &
  Pick<MemoryEventBusOptions, 'dropConsumed'>;

/**
 * The one place a bus is built from config: Kafka with the schema registry's Avro codec when `SYNTHCALL_BUS=kafka`
 * (KAFKA_CLIENT_ID, when set, overrides `clientId`), else the in-process bus. Config validation
 * (`requireKafkaSettings`) guarantees the brokers and registry when Kafka is chosen; they are checked again here,
 * because callers outside a service (the CLI) build the config themselves. A config that says `kafka` in its type
 * gets the `KafkaEventBus` type back (the tests and benches use its `sendRaw`).
 */
export function busFromConfig(
  config: BusConfig & { SYNTHCALL_BUS: 'kafka' },
  options: BusOptions,
): KafkaEventBus;
export function busFromConfig(config: BusConfig, options: BusOptions): EventBus;
export function busFromConfig(config: BusConfig, options: BusOptions): EventBus {
  const { clientId, dropConsumed, ...kafka } = options;
  if (config.SYNTHCALL_BUS === 'memory') {
    return new MemoryEventBus({
      ...(kafka.metrics ? { metrics: kafka.metrics } : {}),
      ...(kafka.logger ? { logger: kafka.logger } : {}),
      ...(dropConsumed !== undefined ? { dropConsumed } : {}),
    });
  }
  const brokers = config.KAFKA_BROKERS ?? [];
  const url = config.SCHEMA_REGISTRY_URL;
  if (brokers.length === 0 || url === undefined) {
    throw new Error('the Kafka bus needs KAFKA_BROKERS and SCHEMA_REGISTRY_URL');
  }
  return new KafkaEventBus({
    ...kafka,
    brokers,
    clientId: config.KAFKA_CLIENT_ID ?? clientId,
    codec: new EventCodec(new ConfluentSchemaRegistry({ url })),
  });
}
