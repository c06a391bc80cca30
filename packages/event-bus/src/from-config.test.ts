import { describe, expect, it } from 'vitest';
import { busFromConfig } from './from-config.js';
import { KafkaEventBus } from './kafka-event-bus.js';
import { MemoryEventBus } from './memory-event-bus.js';

describe('busFromConfig', () => {
  it('builds the in-process bus when SYNTHCALL_BUS=memory', async () => {
    const bus = busFromConfig({ SYNTHCALL_BUS: 'memory' }, { clientId: 'svc' });
    expect(bus).toBeInstanceOf(MemoryEventBus);
    await bus.close();
  });

  it('builds a Kafka bus (not connected yet) when SYNTHCALL_BUS=kafka with brokers and a registry', async () => {
    const bus = busFromConfig(
      { SYNTHCALL_BUS: 'kafka', KAFKA_BROKERS: ['127.0.0.1:1'], SCHEMA_REGISTRY_URL: 'http://127.0.0.1:1' },
      { clientId: 'svc' },
    );
    expect(bus).toBeInstanceOf(KafkaEventBus);
    await bus.close();
  });

  it('refuses the Kafka bus without brokers or a registry, naming both variables', () => {
    expect(() =>
      busFromConfig({ SYNTHCALL_BUS: 'kafka', KAFKA_BROKERS: ['127.0.0.1:1'] }, { clientId: 'svc' }),
    ).toThrow(/KAFKA_BROKERS and SCHEMA_REGISTRY_URL/);
    expect(() =>
      busFromConfig(
        { SYNTHCALL_BUS: 'kafka', SCHEMA_REGISTRY_URL: 'http://127.0.0.1:1' },
        { clientId: 'svc' },
      ),
    ).toThrow(/KAFKA_BROKERS and SCHEMA_REGISTRY_URL/);
  });
});
