import { defaultPersonas } from '@synthcall/personas';
import type { PairingStrategy } from '@synthcall/schemas';
import { describe, expect, it } from 'vitest';
import { coverageCells, fitScore, type Pairing, planPairings, SCORE_SPREAD } from './pairing.js';
import { seededRandom } from './random.js';

const { customers, agents } = defaultPersonas();

function plan(strategy: PairingStrategy, count: number, seed = 'seed-1'): Pairing[] {
  return planPairings({ strategy, customers, agents, count, random: seededRandom(seed) });
}

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
const meanScore = (strategy: PairingStrategy) =>
  mean(['s1', 's2', 's3', 's4', 's5'].flatMap((seed) => plan(strategy, 100, seed).map((p) => p.score)));

describe('fitScore', () => {
  it('is 1 for a skilled agent whose competence equals the issue complexity, and stays within 0..1', () => {
    for (const customer of customers) {
      for (const agent of agents) {
        const score = fitScore(customer, agent);
        expect(score).toBeGreaterThanOrEqual(0);
        expect(score).toBeLessThanOrEqual(1);
        const skilled =
          agent.skills.industries.includes(customer.industry) &&
          agent.skills.issueCategories.includes(customer.issueCategory);
        if (skilled && agent.competence === customer.issueComplexity) expect(score).toBe(1);
        if (!skilled) expect(score).toBeLessThanOrEqual(0.7);
      }
    }
  });

  it('ranks an under-qualified skilled agent below an equally skilled agent who is up to the issue', () => {
    const customer = customers.find((c) => c.issueComplexity === 5);
    expect(customer).toBeDefined();
    if (!customer) return;
    const skilledIn = { industries: [customer.industry], issueCategories: [customer.issueCategory] };
    const base = agents[0];
    if (!base) return;
    const strong = { ...base, competence: 5, skills: skilledIn };
    const weak = { ...base, competence: 2, skills: skilledIn };
    expect(fitScore(customer, strong)).toBeGreaterThan(fitScore(customer, weak));
  });
});

describe('planPairings on the embedded persona set', () => {
  it('matched scores higher on average than random, and stress lower than random', () => {
    const matched = meanScore('matched');
    const random = meanScore('random');
    const stress = meanScore('stress');
    expect(matched).toBeGreaterThan(random);
    expect(stress).toBeLessThan(random);
  });

  it('matched gives every customer an agent within the spread of the best fit, and not always the same one', () => {
    const pairings = plan('matched', customers.length * 3);
    for (const p of pairings) {
      const best = Math.max(...agents.map((a) => fitScore(p.customer, a)));
      expect(p.score).toBeGreaterThanOrEqual(best - SCORE_SPREAD);
    }
    const agentsPerCustomer = new Map<string, Set<string>>();
    for (const p of pairings) {
      agentsPerCustomer.set(
        p.customer.id,
        (agentsPerCustomer.get(p.customer.id) ?? new Set()).add(p.agent.id),
      );
    }
    expect([...agentsPerCustomer.values()].some((set) => set.size > 1)).toBe(true);
  });

  it('matched uses every customer once before any repeats, so N ≤ customers gives N distinct pairs', () => {
    const pairings = plan('matched', customers.length);
    expect(new Set(pairings.map((p) => p.customer.id)).size).toBe(customers.length);
  });

  it('stress sends the hardest issues first, each to an agent within the spread of the worst fit', () => {
    const pairings = plan('stress', 10);
    const hardest = Math.max(...customers.map((c) => c.issueComplexity));
    expect(pairings[0]?.customer.issueComplexity).toBe(hardest);
    const complexities = pairings.map((p) => p.customer.issueComplexity);
    expect(complexities).toEqual([...complexities].sort((a, b) => b - a));
    for (const p of pairings) {
      const worst = Math.min(...agents.map((a) => fitScore(p.customer, a)));
      expect(p.score).toBeLessThanOrEqual(worst + SCORE_SPREAD);
    }
  });

  it('coverage visits every customer × agent-competence cell once before any cell repeats', () => {
    const cells = coverageCells(customers, agents);
    const levels = new Set(agents.map((a) => a.competence));
    expect(cells).toHaveLength(customers.length * levels.size);
    const pairings = plan('coverage', cells.length * 2);
    const key = (p: Pairing) => `${p.customer.id}|${p.agent.competence}`;
    const firstRound = pairings.slice(0, cells.length).map(key);
    const secondRound = pairings.slice(cells.length).map(key);
    expect(new Set(firstRound).size).toBe(cells.length);
    expect(new Set(secondRound).size).toBe(cells.length);
  });

  it('coverage lets every agent of a competence level take a turn', () => {
    const cells = coverageCells(customers, agents);
    const used = new Set(plan('coverage', cells.length).map((p) => p.agent.id));
    expect(used).toEqual(new Set(agents.map((a) => a.id)));
  });

  it.each(['matched', 'random', 'stress', 'coverage'] as const)(
    '%s is deterministic under a seed and changes with it',
    (strategy) => {
      const ids = (seed: string) => plan(strategy, 30, seed).map((p) => `${p.customer.id}|${p.agent.id}`);
      expect(ids('same')).toEqual(ids('same'));
      expect(ids('same')).not.toEqual(ids('other'));
    },
  );

  it('only pairs the personas it is given (filters are applied before pairing)', () => {
    const someCustomers = customers.filter((c) => c.industry === 'banking');
    const someAgents = agents.filter((a) => a.competence >= 4);
    for (const strategy of ['matched', 'random', 'stress', 'coverage'] as const) {
      const pairings = planPairings({
        strategy,
        customers: someCustomers,
        agents: someAgents,
        count: 25,
        random: seededRandom('f'),
      });
      expect(pairings).toHaveLength(25);
      for (const p of pairings) {
        expect(someCustomers).toContain(p.customer);
        expect(someAgents).toContain(p.agent);
      }
    }
  });
});
