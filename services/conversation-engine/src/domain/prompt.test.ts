import {
  type AgentPersona,
  type CustomerPersona,
  defaultPersonas,
  fillPlaceholders,
} from '@synthcall/personas';
import { describe, expect, it } from 'vitest';
import { callContext } from './context.js';
import { agentIntroduction, systemPrompt } from './prompt.js';

/** Every leaf value of a persona, as text. */
function leaves(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(leaves);
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(leaves);
  return [String(value)];
}

const set = defaultPersonas();
// A customer with every optional field filled, so no field escapes the check by being absent.
const base =
  set.customers.find((c) => c.address && c.identifiers.length > 0) ?? (set.customers[0] as CustomerPersona);
const customer: CustomerPersona = {
  ...base,
  company: base.company ?? 'Acme Telecom',
  demeanorNote: base.demeanorNote ?? 'Calm but firm about dates.',
  conversationLengthNote: base.conversationLengthNote ?? 'Wants a confirmation number.',
  address: base.address ?? {
    street: '12 Elm Row',
    city: 'Springfield',
    region: 'IL',
    postalCode: '62704',
    country: 'US',
  },
  prompt: base.prompt ?? 'Has called twice before about this.',
};
const agent: AgentPersona = { ...(set.agents[0] as AgentPersona), attitudeNote: 'Warm and steady.' };
const context = callContext({ callId: 'c1', seed: 's1', maxTurns: 24, customer, agent });

describe('system prompts', () => {
  it('carry every customer persona field into the customer system prompt', () => {
    const prompt = systemPrompt(context, 'customer');
    const missing = leaves(customer).filter((value) => !prompt.includes(value));
    expect(missing).toEqual([]);
    expect(Object.keys(customer).length).toBeGreaterThanOrEqual(20);
  });

  it('carry every agent persona field into the agent system prompt, with {company} filled', () => {
    const prompt = systemPrompt(context, 'agent');
    const company = customer.company as string;
    const expected = leaves(agent).map((value) => fillPlaceholders(value, { company }));
    expect(expected.filter((value) => !prompt.includes(value))).toEqual([]);
    expect(prompt).not.toContain('{company}');
  });

  it("carry the plan: scenario and turn cap (ends are the director's, so no end tag)", () => {
    const prompt = systemPrompt(context, 'agent');
    expect(prompt).toContain(context.scenario.summary);
    expect(prompt).toContain('24 lines');
    expect(prompt).not.toContain('[END:');
  });
});

describe('the opening line', () => {
  it('opens a first-hand call as a first answer, even for an agent whose introduction assumes a transfer', () => {
    const escalations = set.agents.find((a) => /^Thank you for holding/.test(a.scriptedIntroduction));
    expect(escalations, 'a persona with a transfer introduction').toBeDefined();
    const intro = agentIntroduction(
      callContext({ callId: 'c2', seed: 's2', maxTurns: 24, customer, agent: escalations as AgentPersona }),
    );
    expect(intro).toMatch(/^Thank you for calling\b/);
    expect(intro).not.toMatch(/holding|read your notes|take it from here/i);
    expect(intro).toMatch(/\?$/);
  });

  it('leaves an introduction written for a first answer as it is', () => {
    expect(agentIntroduction(context)).toBe(
      fillPlaceholders(agent.scriptedIntroduction, { company: customer.company ?? '' }),
    );
  });
});
