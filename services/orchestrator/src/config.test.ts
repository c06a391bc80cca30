import { ConfigError } from '@synthcall/config';
import { describe, expect, it } from 'vitest';
import { loadOrchestratorConfig } from './config.js';

describe('orchestrator config', () => {
  it('serves ops on 127.0.0.1:9461 with the in-memory bus by default', () => {
    expect(loadOrchestratorConfig({})).toMatchObject({
      OPS_PORT: 9461,
      OPS_HOST: '127.0.0.1',
      SYNTHCALL_BUS: 'memory',
    });
  });

  it('names KAFKA_BROKERS and SCHEMA_REGISTRY_URL when the kafka bus is chosen without them', () => {
    expect(() => loadOrchestratorConfig({ SYNTHCALL_BUS: 'kafka' })).toThrow(ConfigError);
    expect(() => loadOrchestratorConfig({ SYNTHCALL_BUS: 'kafka' })).toThrow(
      /KAFKA_BROKERS[\s\S]*SCHEMA_REGISTRY_URL/,
    );
  });
});
