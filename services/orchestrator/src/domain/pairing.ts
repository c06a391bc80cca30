import { type AgentPersona, type CustomerPersona, expectedOutcome } from '@synthcall/personas';
import type { Outcome, PairingStrategy } from '@synthcall/schemas';
import { pickOne, type Random, shuffled } from './random.js';

export interface Pairing {
  /** Position of the call within its request (0-based); the callId is derived from it. */
  index: number;
  customer: CustomerPersona;
  agent: AgentPersona;
  /** Fit of agent to customer, 0..1 (`fitScore`), whatever the strategy. */
  score: number;
  expectedOutcome: Outcome;
}

export interface PairingInput {
  strategy: PairingStrategy;
  customers: readonly CustomerPersona[];
  agents: readonly AgentPersona[];
  count: number;
  random: Random;
  /**
   * What the customer calls about this time (personas' `drawIssue`), drawn before the agent is chosen so the fit,
   * the expected outcome and the plan follow the call's issue; the persona's own issue without it.
   */
  issueOf?: (customer: CustomerPersona, random: Random) => CustomerPersona;
}

/** Weights of the fit score; they add up to 1. */
const WEIGHTS = { industry: 0.3, category: 0.3, competence: 0.4 } as const;
/** Per level of competence below the issue's complexity: an under-qualified agent loses most of the fit fast. */
const UNDER_QUALIFIED_PENALTY = 0.3;
/** Per level above: an expert on a trivial issue fits a little worse, which spreads easy calls over junior agents. */
const OVER_QUALIFIED_PENALTY = 0.05;
/**
 * `matched` picks among the agents scoring within this of the best (and `stress` within this of the worst), so a
 * run is not always the same agent, yet always near the extreme the strategy aims at.
 */
export const SCORE_SPREAD = 0.1;

/**
 * How well an agent fits a customer, 0 (mismatch) .. 1 (ideal):
 * 0.3 × skilled in the customer's industry + 0.3 × skilled in the issue category + 0.4 × competence fit, where
 * competence fit = 1 − 0.05 × (competence − complexity) when the agent is at or above the issue's complexity and
 * max(0, 1 − 0.3 × (complexity − competence)) below it.
 */
export function fitScore(customer: CustomerPersona, agent: AgentPersona): number {
  const industry = agent.skills.industries.includes(customer.industry) ? 1 : 0;
  const category = agent.skills.issueCategories.includes(customer.issueCategory) ? 1 : 0;
  const gap = agent.competence - customer.issueComplexity;
  const competence =
    gap >= 0 ? 1 - OVER_QUALIFIED_PENALTY * gap : Math.max(0, 1 + UNDER_QUALIFIED_PENALTY * gap);
  const score = WEIGHTS.industry * industry + WEIGHTS.category * category + WEIGHTS.competence * competence;
  return Math.round(score * 1000) / 1000;
}

/** The cells `coverage` walks: every customer crossed with every agent competence level present. */
export function coverageCells(
  customers: readonly CustomerPersona[],
  agents: readonly AgentPersona[],
): Array<{ customer: CustomerPersona; competence: number }> {
  const levels = [...new Set(agents.map((a) => a.competence))].sort((a, b) => a - b);
  return customers.flatMap((customer) => levels.map((competence) => ({ customer, competence })));
}

/**
 * Pairs `count` calls. Pure and deterministic: the same input (and the same random sequence) gives the same pairs,
 * so a redelivered request plans exactly the calls it planned before.
 *
 * - `matched`: customers in a shuffled order (reshuffled each time all were used); for each, an agent among those
 *   within SCORE_SPREAD of the best fit, preferring a pair not used yet in this request.
 * - `random`: a uniformly random customer and a uniformly random agent, independently.
 * - `stress`: customers hardest issue first (ties shuffled); for each, an agent among those within SCORE_SPREAD of
 *   the worst fit: hard issues go to weak or unskilled agents.
 * - `coverage`: every (customer × agent competence level) cell once, in shuffled order, before any cell repeats;
 *   agents of a level take turns.
 */
export function planPairings(input: PairingInput): Pairing[] {
  const { customers, agents, count, random } = input;
  if (customers.length === 0 || agents.length === 0) {
    throw new RangeError('pairing needs at least one customer and one agent');
  }
  const issueOf = input.issueOf ?? ((customer: CustomerPersona) => customer);
  const pair = (index: number, customer: CustomerPersona, agent: AgentPersona): Pairing => ({
    index,
    customer,
    agent,
    score: fitScore(customer, agent),
    expectedOutcome: expectedOutcome(customer, agent),
  });

  switch (input.strategy) {
    case 'random':
      return Array.from({ length: count }, (_, i) =>
        pair(i, issueOf(pickOne(random, customers), random), pickOne(random, agents)),
      );
    case 'coverage':
      return planCoverage(input, (index, customer, agent) => pair(index, issueOf(customer, random), agent));
    case 'matched':
    case 'stress':
      return planByScore(input, pair, issueOf);
  }
}

function planByScore(
  { strategy, customers, agents, count, random }: PairingInput,
  pair: (index: number, customer: CustomerPersona, agent: AgentPersona) => Pairing,
  issueOf: (customer: CustomerPersona, random: Random) => CustomerPersona,
): Pairing[] {
  const used = new Set<string>();
  const order = (): CustomerPersona[] => {
    const mixed = shuffled(random, customers);
    // Array.prototype.sort is stable, so equal complexities keep their shuffled order.
    return strategy === 'stress' ? mixed.sort((a, b) => b.issueComplexity - a.issueComplexity) : mixed;
  };
  let queue: CustomerPersona[] = [];
  const out: Pairing[] = [];
  for (let index = 0; index < count; index++) {
    if (queue.length === 0) queue = order();
    const customer = issueOf(queue.shift() as CustomerPersona, random);
    const scored = agents.map((agent) => ({ agent, score: fitScore(customer, agent) }));
    const scores = scored.map((s) => s.score);
    const near =
      strategy === 'matched'
        ? scored.filter((s) => s.score >= Math.max(...scores) - SCORE_SPREAD)
        : scored.filter((s) => s.score <= Math.min(...scores) + SCORE_SPREAD);
    const fresh = near.filter((s) => !used.has(`${customer.id}|${s.agent.id}`));
    const { agent } = pickOne(random, fresh.length > 0 ? fresh : near);
    used.add(`${customer.id}|${agent.id}`);
    out.push(pair(index, customer, agent));
  }
  return out;
}

function planCoverage(
  { customers, agents, count, random }: PairingInput,
  pair: (index: number, customer: CustomerPersona, agent: AgentPersona) => Pairing,
): Pairing[] {
  const cells = coverageCells(customers, agents);
  const byLevel = new Map<number, AgentPersona[]>();
  for (const agent of agents)
    byLevel.set(agent.competence, [...(byLevel.get(agent.competence) ?? []), agent]);
  // Each level's agents take turns from a shuffled starting order, so no agent of a level is favoured.
  const rotation = new Map([...byLevel].map(([level, list]) => [level, shuffled(random, list)]));
  const turns = new Map<number, number>();
  let queue: typeof cells = [];
  const out: Pairing[] = [];
  for (let index = 0; index < count; index++) {
    if (queue.length === 0) queue = shuffled(random, cells);
    const cell = queue.shift() as (typeof cells)[number];
    const list = rotation.get(cell.competence) as AgentPersona[];
    const turn = turns.get(cell.competence) ?? 0;
    turns.set(cell.competence, turn + 1);
    out.push(pair(index, cell.customer, list[turn % list.length] as AgentPersona));
  }
  return out;
}
