import { type AgentPersona, type CustomerPersona, defaultPersonas } from '@synthcall/personas';
import { describe, expect, it } from 'vitest';
import { ScriptedLlmProvider } from './adapters/scripted-llm-provider.js';
import { callContext } from './domain/context.js';
import { groundTruthRecord } from './domain/director/ground-truth.js';
import type { JsonValue } from './domain/llm-provider.js';
import { simulateCall } from './domain/simulate.js';
import { fromRecord, toRecord } from './state-codec.js';

const personas = defaultPersonas();

describe('the conversation-state codec', () => {
  it('reads a record written before the director (the scripted planner state under provider) with every spoken turn', async () => {
    const context = callContext({
      callId: 'call-1',
      seed: 'seed-1',
      maxTurns: 24,
      customer: personas.customers[0] as CustomerPersona,
      agent: personas.agents[0] as AgentPersona,
    });
    const scripted = new ScriptedLlmProvider();
    const call = await simulateCall(context, { agent: scripted, customer: scripted });
    const record = toRecord(call.state);
    const { turns: _turns, ...planner } = call.state.director as { [key: string]: JsonValue };
    const { fallbackLines: _lines, ...meta } = call.state.meta;
    const old = { ...record, providerState: JSON.stringify({ v: 1, meta, provider: planner }) };

    const restored = fromRecord(old);
    const truth = groundTruthRecord(restored, context, { name: 'scripted', model: null }, 1, 0);
    expect(truth.turns.map((t) => [t.turn, t.role, t.text])).toEqual(
      call.lines.map((l) => [l.turn, l.role, l.text]),
    );
    expect(truth.turns[0]?.move).toBe('greet');
    expect(truth.pii).toEqual(
      groundTruthRecord(call.state, context, { name: 'scripted', model: null }, 1, 0).pii,
    );
  });
});
