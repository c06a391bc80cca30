import { ConfigError } from '@synthcall/config';
import { describe, expect, it } from 'vitest';
import { loadTwimlGatewayConfig } from './config.js';

describe('twiml-gateway config', () => {
  it('serves ops on 127.0.0.1:9462 with the in-memory bus by default', () => {
    expect(loadTwimlGatewayConfig({})).toMatchObject({
      OPS_PORT: 9462,
      OPS_HOST: '127.0.0.1',
      SYNTHCALL_BUS: 'memory',
    });
  });

  it('names KAFKA_BROKERS and SCHEMA_REGISTRY_URL when the kafka bus is chosen without them', () => {
    expect(() => loadTwimlGatewayConfig({ SYNTHCALL_BUS: 'kafka' })).toThrow(ConfigError);
    expect(() => loadTwimlGatewayConfig({ SYNTHCALL_BUS: 'kafka' })).toThrow(
      /KAFKA_BROKERS[\s\S]*SCHEMA_REGISTRY_URL/,
    );
  });
});
