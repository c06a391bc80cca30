import { ConfigError } from '@synthcall/config';
import { describe, expect, it } from 'vitest';
import { loadAnalyticsSinkConfig } from './config.js';

describe('analytics-sink config', () => {
  it('serves ops on 127.0.0.1:9464 with the in-memory bus by default', () => {
    expect(loadAnalyticsSinkConfig({})).toMatchObject({
      OPS_PORT: 9464,
      OPS_HOST: '127.0.0.1',
      SYNTHCALL_BUS: 'memory',
    });
  });

  it('names KAFKA_BROKERS and SCHEMA_REGISTRY_URL when the kafka bus is chosen without them', () => {
    expect(() => loadAnalyticsSinkConfig({ SYNTHCALL_BUS: 'kafka' })).toThrow(ConfigError);
    expect(() => loadAnalyticsSinkConfig({ SYNTHCALL_BUS: 'kafka' })).toThrow(
      /KAFKA_BROKERS[\s\S]*SCHEMA_REGISTRY_URL/,
    );
  });
});
