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

  it('bounds what a model may say with defaults for tokens, temperature, line length and fallback runs', () => {
    expect(loadConversationEngineConfig({})).toMatchObject({
      LLM_MAX_TOKENS: 160,
      LLM_TEMPERATURE: 0.8,
      LLM_MAX_LINE_CHARS: 400,
      LLM_MAX_FALLBACK_RUN: 3,
    });
    expect(
      loadConversationEngineConfig({
        LLM_MAX_TOKENS: '96',
        LLM_TEMPERATURE: '0.35',
        LLM_MAX_LINE_CHARS: '300',
        LLM_MAX_FALLBACK_RUN: '5',
      }),
    ).toMatchObject({
      LLM_MAX_TOKENS: 96,
      LLM_TEMPERATURE: 0.35,
      LLM_MAX_LINE_CHARS: 300,
      LLM_MAX_FALLBACK_RUN: 5,
    });
  });

  it('names LLM_TEMPERATURE when it is outside 0 to 2, and LLM_MAX_FALLBACK_RUN when it is 0', () => {
    expect(() => loadConversationEngineConfig({ LLM_TEMPERATURE: '2.5' })).toThrow(/LLM_TEMPERATURE/);
    expect(() => loadConversationEngineConfig({ LLM_TEMPERATURE: 'warm' })).toThrow(/LLM_TEMPERATURE/);
    expect(() => loadConversationEngineConfig({ LLM_MAX_FALLBACK_RUN: '0' })).toThrow(/LLM_MAX_FALLBACK_RUN/);
  });

  it('needs OPENAI_API_KEY for openai only when no OPENAI_BASE_URL points at a (keyless) compatible server', () => {
    expect(() => loadConversationEngineConfig({ LLM_PROVIDER: 'openai' })).toThrow(/OPENAI_API_KEY/);
    const local = loadConversationEngineConfig({
      LLM_PROVIDER: 'openai',
      OPENAI_BASE_URL: 'http://127.0.0.1:8088/v1',
    });
    expect(local.OPENAI_API_KEY).toBeUndefined();
  });

  it('names KAFKA_BROKERS and SCHEMA_REGISTRY_URL when the kafka bus is chosen without them', () => {
    expect(() => loadConversationEngineConfig({ SYNTHCALL_BUS: 'kafka' })).toThrow(ConfigError);
    expect(() => loadConversationEngineConfig({ SYNTHCALL_BUS: 'kafka' })).toThrow(
      /KAFKA_BROKERS[\s\S]*SCHEMA_REGISTRY_URL/,
    );
  });
});
