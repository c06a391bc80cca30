import { type AgentPersona, type CustomerPersona, defaultPersonas } from '@synthcall/personas';
import { describe, expect, it } from 'vitest';
import { callContext } from '../domain/context.js';
import { newCall } from '../domain/conversation.js';
import { MemoryStateStore } from './memory-state-store.js';

const set = defaultPersonas();
const voices = {
  agent: { voice: 'man', language: 'en-US' },
  customer: { voice: 'woman', language: 'en-US' },
};
const call = (id: string) => {
  const context = callContext({
    callId: id,
    seed: 's',
    maxTurns: 24,
    customer: set.customers[0] as CustomerPersona,
    agent: set.agents[0] as AgentPersona,
  });
  return {
    ...newCall(context, { scenario: context.scenario, expectedOutcome: 'resolved', voices }, 1),
    callId: id,
  };
};

describe('memory state store', () => {
  it('holds every active call and the newest retainEnded ended ones; the dropped ones are forgotten, not unknown', async () => {
    const store = new MemoryStateStore({ retainEnded: 2 });
    for (const id of ['live', 'a', 'b', 'c']) await store.put(call(id));
    for (const [i, id] of ['a', 'b', 'c'].entries()) {
      const ended = { ...call(id), status: 'ended' as const, version: 2, updatedAt: 100 + i };
      await store.put(ended);
      await store.put({ ...ended, version: 3 }); // the ground truth's version: still one ended call
    }
    expect(store.size).toBe(3);
    expect(['live', 'a', 'b', 'c'].map((id) => store.get(id)?.version)).toEqual([1, undefined, 3, 3]);
    expect(store.forgotten('a')).toBe(true);
    expect(store.forgotten('b')).toBe(false);
    expect(store.forgotten('never-seen')).toBe(false);
    expect(store.active().map((s) => s.callId)).toEqual(['live']);
  });
});
