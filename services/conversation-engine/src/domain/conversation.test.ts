import { type AgentPersona, defaultPersonas } from '@synthcall/personas';
import { describe, expect, it } from 'vitest';
import { callContext } from './context.js';
import {
  applyLine,
  type CallState,
  closingLine,
  newCall,
  withGatewayFallback,
  withHeard,
} from './conversation.js';
import { NO_TOKENS } from './llm-provider.js';
import type { Role } from './types.js';

const personas = defaultPersonas();

function contextWith(agent: AgentPersona, customer = personas.customers[0]) {
  if (!customer) throw new Error('no customer personas');
  return callContext({ callId: 'call-1', seed: 'seed-1', maxTurns: 24, customer, agent });
}

// Ways a farewell tells the caller their problem is dealt with: wrong when the engine cut the call short.
const CLAIMS_RESOLUTION =
  /\b(?:resolved|all set|taken care of|processed|good to go|should do it|done|that's everything|noted everything|letter confirming|date we agreed|fixed|sorted)\b/i;

describe('closing lines', () => {
  it('claim no resolution at a max_turns, loop_detected or error end, for every agent persona', () => {
    expect(personas.agents.length).toBeGreaterThan(10);
    const claims: string[] = [];
    for (const agent of personas.agents)
      for (const reason of ['max_turns', 'loop_detected', 'error'] as const)
        for (const role of ['agent', 'customer'] as const) {
          const line = closingLine(contextWith(agent), role, reason);
          if (CLAIMS_RESOLUTION.test(line)) claims.push(`${agent.id} ${role} ${reason}: ${line}`);
        }
    expect(claims).toEqual([]);
  });

  it("keep the agent persona's own thanks and goodbye", () => {
    for (const agent of personas.agents) {
      const line = closingLine(contextWith(agent), 'agent', 'max_turns');
      expect(line, agent.id).toMatch(/\b(?:thank|thanks|bye|goodbye|take care)\b/i);
    }
    const renee = personas.agents.find((a) => a.farewell.startsWith('Thank you for choosing {company}'));
    expect(renee && closingLine(contextWith(renee), 'agent', 'loop_detected')).toMatch(
      /^I think we're going around in circles, .* Thank you for choosing .+, and have a good day\.$/,
    );
  });
});

describe('a run of fallback lines', () => {
  const agent = personas.agents[0] as AgentPersona;
  const context = contextWith(agent);
  const voices = {
    agent: { voice: 'man', language: 'en-US' },
    customer: { voice: 'woman', language: 'en-US' },
  };
  const start = () =>
    newCall(context, { scenario: context.scenario, expectedOutcome: 'resolved', voices }, 0);
  const candidate = (text: string, fallback: boolean) => ({
    text,
    fallback,
    usage: NO_TOKENS,
    state: null,
    director: null,
  });
  const roleOf = (turn: number): Role => (turn % 2 === 0 ? 'agent' : 'customer');

  /** Plays lines through applyLine as the engine does (each heard by the other role); `F` marks a fallback line. */
  function play(lines: string[], state: CallState = start(), limits?: { maxFallbackRun: number }) {
    let s = state;
    let last: ReturnType<typeof applyLine> | undefined;
    for (const text of lines) {
      const turn = s.turn + 1;
      if (turn > 0) s = withHeard(s, roleOf(turn), turn - 1, 'heard', 0);
      last = applyLine(
        s,
        context,
        roleOf(turn),
        turn,
        candidate(`line ${turn} ${text}`, text === 'F'),
        0,
        undefined,
        limits,
      );
      s = last.state;
    }
    return last as ReturnType<typeof applyLine>;
  }

  it('ends the call as error, with the error closing line, on the line after three fallbacks in a row', () => {
    const applied = play(['hello there', 'F', 'F', 'F', 'a real answer again']);
    expect(applied.end).toEqual({ reason: 'error', endedBy: 'agent' });
    expect(applied.text).toBe(closingLine(context, 'agent', 'error'));
    expect(applied.verdict).toMatchObject({ ok: false, rule: 'fallback_run', turn: 4 });
    expect(applied.state.status).toBe('ended');
  });

  it('starts counting again after a real line', () => {
    expect(play(['hello there', 'F', 'F', 'a real line', 'F', 'F', 'another real line']).end).toBeNull();
  });

  it('takes its length from the limits it is given', () => {
    expect(play(['hello there', 'F', 'F', 'F', 'real'], start(), { maxFallbackRun: 4 }).end).toBeNull();
    expect(play(['F', 'F', 'real'], start(), { maxFallbackRun: 2 }).end).toMatchObject({ reason: 'error' });
  });

  it("counts the gateway's fallbacks, spoken over a line or waiting for it", () => {
    let state = play(['hello there', 'real one', 'real two']).state;
    // The gateway spoke its own line over turns 1 and 2, and will over turn 3 before the engine produces it.
    for (const turn of [1, 2])
      state = withGatewayFallback(state, roleOf(turn), turn, `sorry ${turn}`, 0) ?? state;
    state = withGatewayFallback(state, 'customer', 3, 'sorry 3', 0) ?? state;
    const ended = play(['real three', 'real four'], state);
    expect(ended.end).toEqual({ reason: 'error', endedBy: 'agent' });
    expect(ended.state.histories.customer.find((m) => m.turn === 3)?.content).toBe('sorry 3');
  });
});

describe('what a role hears', () => {
  it('joins its history with the figures a recogniser wrote in words written back', () => {
    const context = contextWith(personas.agents[0] as AgentPersona);
    const voices = {
      agent: { voice: 'man', language: 'en-US' },
      customer: { voice: 'woman', language: 'en-US' },
    };
    const state = newCall(context, { scenario: context.scenario, expectedOutcome: 'resolved', voices }, 0);
    const heard = withHeard(
      state,
      'agent',
      1,
      'It is B W dash four zero seven one eight eight two three, and I paid thirty five dollars.',
      0,
    );
    expect(heard.histories.agent.at(-1)?.content).toBe('It is BW-40718823, and I paid $35.');
  });
});
