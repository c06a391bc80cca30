import { ConfigError } from '@synthcall/config';
import { describe, expect, it } from 'vitest';
import { checkReplyWait, gatherTimeoutSec, loadTwimlGatewayConfig, replyTimeoutFor } from './config.js';

const required = { GATEWAY_PUBLIC_URL: 'https://gw.example.test/', TWILIO_AUTH_TOKEN: 'token' };

describe('twiml-gateway config', () => {
  it('serves webhooks on 127.0.0.1:3000 and ops on 127.0.0.1:9462 with the in-memory bus by default', () => {
    expect(loadTwimlGatewayConfig(required)).toMatchObject({
      PORT: 3000,
      HTTP_HOST: '127.0.0.1',
      OPS_PORT: 9462,
      OPS_HOST: '127.0.0.1',
      SYNTHCALL_BUS: 'memory',
      REPLY_HOLD_MS: 2000,
      REPLY_TIMEOUT_MS: 8000,
      FALLBACK_RUN_LIMIT: 3,
      BODY_LIMIT: '64kb',
    });
  });

  it('keeps the public URL without a trailing slash, as signatures are computed over it', () => {
    expect(loadTwimlGatewayConfig(required).GATEWAY_PUBLIC_URL).toBe('https://gw.example.test');
  });

  it('names GATEWAY_PUBLIC_URL and TWILIO_AUTH_TOKEN when they are missing', () => {
    expect(() => loadTwimlGatewayConfig({})).toThrow(/GATEWAY_PUBLIC_URL[\s\S]*TWILIO_AUTH_TOKEN/);
  });

  it('never echoes the auth token in its errors', () => {
    try {
      loadTwimlGatewayConfig({ ...required, TWILIO_AUTH_TOKEN: 's3cret-value', REPLY_HOLD_MS: 'soon' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toMatch(/REPLY_HOLD_MS/);
      expect((error as Error).message).not.toContain('s3cret-value');
    }
  });

  it('refuses a hold longer than Twilio lets a webhook wait', () => {
    expect(() => loadTwimlGatewayConfig({ ...required, REPLY_HOLD_MS: '14s' })).toThrow(/REPLY_HOLD_MS/);
  });

  it('reads durations and sizes in their usual forms', () => {
    expect(
      loadTwimlGatewayConfig({
        ...required,
        REPLY_HOLD_MS: '1.5s',
        REPLY_TIMEOUT_MS: '10s',
        BODY_LIMIT: '128kb',
      }),
    ).toMatchObject({ REPLY_HOLD_MS: 1500, REPLY_TIMEOUT_MS: 10_000, BODY_LIMIT: '128kb' });
    expect(() => loadTwimlGatewayConfig({ ...required, BODY_LIMIT: 'lots' })).toThrow(/BODY_LIMIT/);
  });

  it('fails start-up naming REPLY_TIMEOUT_MS and the engine variables when the engine may take longer per line', () => {
    const config = loadTwimlGatewayConfig(required);
    const engine = { lineMs: 38_000, variables: ['OPENAI_TIMEOUT', 'OPENAI_MAX_RETRIES'] };
    try {
      checkReplyWait(config, engine);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).issues).toEqual([
        { variable: 'REPLY_TIMEOUT_MS', reason: expect.stringMatching(/OPENAI_TIMEOUT, OPENAI_MAX_RETRIES/) },
      ]);
    }
    expect(() =>
      checkReplyWait(loadTwimlGatewayConfig({ ...required, REPLY_TIMEOUT_MS: '40s' }), engine),
    ).not.toThrow();
  });

  it('derives the reply wait from the engine line and the Gather timeout from the reply wait', () => {
    expect(replyTimeoutFor(38_000)).toBe(40_000);
    expect(replyTimeoutFor(1_000)).toBe(8_000);
    expect(gatherTimeoutSec({ REPLY_TIMEOUT_MS: 40_000 })).toBe(45);
  });

  it('names KAFKA_BROKERS and SCHEMA_REGISTRY_URL when the kafka bus is chosen without them', () => {
    expect(() => loadTwimlGatewayConfig({ ...required, SYNTHCALL_BUS: 'kafka' })).toThrow(ConfigError);
    expect(() => loadTwimlGatewayConfig({ ...required, SYNTHCALL_BUS: 'kafka' })).toThrow(
      /KAFKA_BROKERS[\s\S]*SCHEMA_REGISTRY_URL/,
    );
  });
});
