import { describe, expect, it } from 'vitest';
import { loadConversationEngineConfig } from './config.js';
import { worstCaseLineMs } from './timing.js';

describe('worstCaseLineMs', () => {
  it('counts both requests of a line, each with every attempt timing out and the longest wait between them', () => {
    const config = loadConversationEngineConfig({
      LLM_PROVIDER: 'openai',
      OPENAI_API_KEY: 'k',
      OPENAI_TIMEOUT: '6000',
      OPENAI_MAX_RETRIES: '2',
    });
    expect(worstCaseLineMs(config)).toBe(2 * (3 * 6_000 + 2 * 10_000));
  });

  it('gives a scripted line a small fixed budget, whatever the openai settings say', () => {
    expect(worstCaseLineMs({ LLM_PROVIDER: 'scripted', OPENAI_TIMEOUT: 60_000, OPENAI_MAX_RETRIES: 5 })).toBe(
      1_000,
    );
  });
});
