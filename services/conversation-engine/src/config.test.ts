import { ConfigError } from '@synthcall/config';
import { describe, expect, it } from 'vitest';
import { loadConversationEngineConfig } from './config.js';

describe('conversation-engine config', () => {
  it('serves ops on 127.0.0.1:9463 with the in-memory bus by default', () => {
    expect(loadConversationEngineConfig({})).toMatchObject({
      OPS_PORT: 9463,
      OPS_HOST: '127.0.0.1',
      SYNTHCALL_BUS: 'memory',
    });
  });

  it('names KAFKA_BROKERS and SCHEMA_REGISTRY_URL when the kafka bus is chosen without them', () => {
    expect(() => loadConversationEngineConfig({ SYNTHCALL_BUS: 'kafka' })).toThrow(ConfigError);
    expect(() => loadConversationEngineConfig({ SYNTHCALL_BUS: 'kafka' })).toThrow(
      /KAFKA_BROKERS[\s\S]*SCHEMA_REGISTRY_URL/,
    );
  });
});
