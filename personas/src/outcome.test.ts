import { describe, expect, it } from 'vitest';
import { defaultPersonas } from './load.js';
import { expectedOutcome, hasTolerantTrigger } from './outcome.js';
import type { AgentPersona, CustomerPersona } from './schema.js';

const set = defaultPersonas();
const baseCustomer = set.customers[0] as CustomerPersona;
const baseAgent = set.agents[0] as AgentPersona;

function customer(overrides: Partial<CustomerPersona>): CustomerPersona {
  return {
    ...baseCustomer,
    industry: 'telecom',
    issueCategory: 'billing_dispute',
    issueComplexity: 3,
    demeanor: 'calm',
    escalationTrigger: 'If the agent refuses to look at the bill.',
    ...overrides,
  };
}

function agent(overrides: Partial<AgentPersona>): AgentPersona {
  return {
    ...baseAgent,
    competence: 3,
    attitude: 'professional',
    skills: { industries: ['telecom'], issueCategories: ['billing_dispute'] },
    ...overrides,
  };
}

describe('expectedOutcome', () => {
  it('is resolved when a skilled agent at or above the complexity meets a caller without being provoking', () => {
    expect(expectedOutcome(customer({}), agent({}))).toBe('resolved');
    expect(expectedOutcome(customer({}), agent({ competence: 5 }))).toBe('resolved');
  });

  it('is escalated when a capable agent is curt, rushed, indifferent or bored with a caller whose trigger is not narrow', () => {
    for (const attitude of ['curt', 'rushed', 'indifferent', 'bored'] as const) {
      expect(expectedOutcome(customer({}), agent({ attitude }))).toBe('escalated');
    }
  });

  it('treats an "Only if…" trigger as tolerant: a capable curt agent still resolves it', () => {
    const tolerant = customer({ escalationTrigger: 'Only if the agent is rude.' });
    expect(hasTolerantTrigger(tolerant)).toBe(true);
    expect(expectedOutcome(tolerant, agent({ attitude: 'curt' }))).toBe('resolved');
  });

  it('leaves a tolerant caller unresolved by an agent who cannot fix it, and escalated by one who is also dismissive', () => {
    const tolerant = customer({ escalationTrigger: 'Only if the agent is rude.', issueComplexity: 5 });
    expect(expectedOutcome(tolerant, agent({ competence: 2 }))).toBe('unresolved');
    expect(expectedOutcome(tolerant, agent({ competence: 2, attitude: 'bored' }))).toBe('escalated');
  });

  it('has an impatient caller abandon and an angry or frustrated one escalate when the agent cannot fix it', () => {
    const weak = agent({ competence: 1 });
    expect(expectedOutcome(customer({ demeanor: 'impatient' }), weak)).toBe('abandoned');
    expect(expectedOutcome(customer({ demeanor: 'angry' }), weak)).toBe('escalated');
    expect(expectedOutcome(customer({ demeanor: 'frustrated' }), weak)).toBe('escalated');
  });

  it('escalates a calm caller on a wide gap or an unskilled category, and leaves a one-level gap unresolved', () => {
    expect(expectedOutcome(customer({ issueComplexity: 4 }), agent({ competence: 3 }))).toBe('unresolved');
    expect(expectedOutcome(customer({ issueComplexity: 5 }), agent({ competence: 3 }))).toBe('escalated');
    const otherCategory = agent({
      competence: 5,
      skills: { industries: ['telecom'], issueCategories: ['refund'] },
    });
    expect(expectedOutcome(customer({}), otherCategory)).toBe('escalated');
  });

  it('gives every outcome somewhere on the embedded persona grid', () => {
    const outcomes = new Set(set.customers.flatMap((c) => set.agents.map((a) => expectedOutcome(c, a))));
    expect(outcomes).toEqual(new Set(['resolved', 'escalated', 'unresolved', 'abandoned']));
  });
});
