import { type EventBus, KafkaEventBus, MemoryEventBus } from '@synthcall/event-bus';
import type { Logger } from '@synthcall/logging';
import { createBusMetrics, type Registry } from '@synthcall/metrics';
import { ConfluentSchemaRegistry, EventCodec } from '@synthcall/schemas';
import type { Config } from '../config.js';

/** Request-reply turns cannot afford kafkajs's default 5 s fetch wait (performance-notes.md). */
const REPLY_FETCH_WAIT_MS = 20;

/** The bus `SYNTHCALL_BUS` names: Kafka with the schema registry, or the in-process bus (alone, for development). */
export function busFromConfig(config: Config, logger: Logger, registry: Registry): EventBus {
  const metrics = createBusMetrics(registry);
  if (config.SYNTHCALL_BUS === 'memory') return new MemoryEventBus({ metrics, logger });
  // requireKafkaSettings guarantees both when the kafka bus is chosen.
  const brokers = config.KAFKA_BROKERS ?? [];
  const url = config.SCHEMA_REGISTRY_URL ?? '';
  return new KafkaEventBus({
    brokers,
    clientId: config.KAFKA_CLIENT_ID ?? 'twiml-gateway',
    codec: new EventCodec(new ConfluentSchemaRegistry({ url })),
    metrics,
    logger,
    maxWaitTimeInMs: REPLY_FETCH_WAIT_MS,
  });
}
