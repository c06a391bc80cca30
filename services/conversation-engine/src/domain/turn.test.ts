import { type AgentPersona, type CustomerPersona, defaultPersonas } from '@synthcall/personas';
import { describe, expect, it, vi } from 'vitest';
import { ScriptedLlmProvider } from '../adapters/scripted-llm-provider.js';
import { callContext } from './context.js';
import { newCall } from './conversation.js';
import * as director from './director/director.js';
import { groundTruthRecord } from './director/ground-truth.js';
import { produceTurn } from './turn.js';

vi.mock('./director/director.js', async (original) => {
  const actual = await original<typeof import('./director/director.js')>();
  return { ...actual, nextMove: vi.fn(actual.nextMove) };
});

const personas = defaultPersonas();
const context = callContext({
  callId: 'call-1',
  seed: 'seed-1',
  maxTurns: 24,
  customer: personas.customers[0] as CustomerPersona,
  agent: personas.agents[0] as AgentPersona,
});
const voices = {
  agent: { voice: 'man', language: 'en-US' },
  customer: { voice: 'woman', language: 'en-US' },
};

describe('one turn of a call', () => {
  it('records the closing line a failed director ends the call with, so the ground truth has every spoken line', async () => {
    const state = newCall(
      context,
      { scenario: context.scenario, expectedOutcome: context.expectedOutcome, voices },
      0,
    );
    const greeted = await produceTurn({
      state,
      context,
      role: 'agent',
      turn: 0,
      provider: new ScriptedLlmProvider(),
      now: () => 0,
    });
    vi.mocked(director.nextMove).mockImplementationOnce(() => {
      throw new Error('no move');
    });
    const failed = await produceTurn({
      state: greeted.state,
      context,
      role: 'customer',
      turn: 1,
      provider: new ScriptedLlmProvider(),
      now: () => 0,
    });
    expect(failed.failure?.stage).toBe('director');
    expect(failed.end?.reason).toBe('error');
    const truth = groundTruthRecord(failed.state, context, { name: 'scripted', model: null }, 1, 0);
    expect(truth.turns.map((t) => [t.turn, t.role, t.text, t.realizedBy])).toEqual([
      [0, 'agent', greeted.text, 'template'],
      [1, 'customer', failed.text, 'fallback'],
    ]);
  });
});
