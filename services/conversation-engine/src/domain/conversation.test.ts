import { type AgentPersona, defaultPersonas } from '@synthcall/personas';
import { describe, expect, it } from 'vitest';
import { callContext } from './context.js';
import { closingLine } from './conversation.js';

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
