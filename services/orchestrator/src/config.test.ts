import { ConfigError } from '@synthcall/config';
import { describe, expect, it } from 'vitest';
import { effectiveCps, loadOrchestratorConfig } from './config.js';
import { minimalEnv } from './testing/env.js';

describe('orchestrator config', () => {
  it('serves ops on 127.0.0.1:9461 with the in-memory bus and the documented caps by default', () => {
    expect(loadOrchestratorConfig(minimalEnv)).toMatchObject({
      OPS_PORT: 9461,
      OPS_HOST: '127.0.0.1',
      SYNTHCALL_BUS: 'memory',
      MAX_DAILY_CALLS: 1000,
      MAX_CONCURRENT_CALLS: 10,
      CONFERENCE_TIME_LIMIT_SEC: 900,
      TWILIO_TIMEOUT: 10_000,
    });
  });

  it('names every missing Twilio and gateway variable at once', () => {
    expect(() => loadOrchestratorConfig({})).toThrow(ConfigError);
    expect(() => loadOrchestratorConfig({})).toThrow(
      /TWILIO_ACCOUNT_SID[\s\S]*TWILIO_AUTH_TOKEN[\s\S]*TWILIO_FROM[\s\S]*TWILIO_CUSTOMER_TO[\s\S]*TWILIO_AGENT_TO[\s\S]*GATEWAY_PUBLIC_URL/,
    );
  });

  it('names KAFKA_BROKERS and SCHEMA_REGISTRY_URL when the kafka bus is chosen without them', () => {
    const env = { ...minimalEnv, SYNTHCALL_BUS: 'kafka' };
    expect(() => loadOrchestratorConfig(env)).toThrow(/KAFKA_BROKERS[\s\S]*SCHEMA_REGISTRY_URL/);
  });

  it('rejects a dial target that is neither an app, a number, a client nor a SIP URI, without echoing it', () => {
    const attempt = () => loadOrchestratorConfig({ ...minimalEnv, TWILIO_AGENT_TO: 'agent-line' });
    expect(attempt).toThrow(/TWILIO_AGENT_TO: must be app:AP/);
    expect(attempt).not.toThrow(/agent-line/);
  });

  it('limits Twilio to 1 call per second against real Twilio and not at all against a sim, unless told', () => {
    const { TWILIO_API_BASE_URL: _sim, ...real } = minimalEnv;
    expect(effectiveCps(loadOrchestratorConfig(real))).toBe(1);
    expect(effectiveCps(loadOrchestratorConfig(minimalEnv))).toBe(0);
    expect(effectiveCps(loadOrchestratorConfig({ ...minimalEnv, TWILIO_CPS: '5' }))).toBe(5);
  });
});
