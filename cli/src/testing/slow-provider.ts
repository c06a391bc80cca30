import { createHash } from 'node:crypto';
import type { LlmProvider } from '@synthcall/conversation-engine';
import { ScriptedLlmProvider } from '@synthcall/conversation-engine/testing';

/**
 * The scripted provider behind a delay of `minMs`–`maxMs` per line (the same delay for the same call and turn): a
 * model's pace without a model. Tests scale it down with the timeouts (600–1500 ms for a model's 6–15 s).
 */
export function slowScriptedProvider(minMs: number, maxMs: number): LlmProvider {
  const scripted = new ScriptedLlmProvider();
  return {
    name: 'slow-scripted',
    model: null,
    async nextLine(request) {
      const digest = createHash('sha256').update(`${request.context.callId}:${request.turn}`).digest();
      const ms = minMs + (digest.readUInt32BE(0) / 0xffffffff) * (maxMs - minMs);
      await new Promise((resolve) => setTimeout(resolve, ms));
      return scripted.nextLine(request);
    },
  };
}
