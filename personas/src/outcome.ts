import type { AgentPersona, CustomerPersona } from './schema.js';

/**
 * How a call ends for the customer (the `Outcome` enum of CallPlanned.avsc). One rule, here, decides it for a pairing:
 * the orchestrator writes it into the plan and the conversation engine's director ends the call that way.
 */
export type Outcome = 'resolved' | 'escalated' | 'unresolved' | 'abandoned';

/** Attitudes that tend to set off a caller's escalation trigger (they dismiss, hurry or talk down). */
export const PROVOKING_ATTITUDES: ReadonlySet<string> = new Set(['curt', 'rushed', 'indifferent', 'bored']);
/** Demeanors with little patience left: without a fix they push back hard or hang up. */
const SHORT_FUSED: ReadonlySet<string> = new Set(['angry', 'frustrated', 'impatient']);

export function isSkilledFor(customer: CustomerPersona, agent: AgentPersona): boolean {
  return (
    agent.skills.industries.includes(customer.industry) &&
    agent.skills.issueCategories.includes(customer.issueCategory)
  );
}

/**
 * The escalation trigger is free text. A trigger that starts with "Only if" names a narrow condition (rudeness,
 * clearly wrong information): such a caller tolerates an agent who cannot fix things, but not one who is dismissive.
 */
export function hasTolerantTrigger(customer: CustomerPersona): boolean {
  return /^\s*only if\b/i.test(customer.escalationTrigger);
}

/**
 * The outcome the scenario is expected to reach: the ground-truth intent written into CallPlanned. Rules, in order:
 * 1. capable = skilled in the customer's industry AND issue category AND competence ≥ issue complexity.
 * 2. capable, and the agent's attitude does not provoke the caller's trigger → `resolved`.
 *    (provoking = curt, rushed, indifferent or bored, unless the trigger is tolerant, see `hasTolerantTrigger`.)
 * 3. capable but provoking → `escalated`: the fix is within reach, the manner pulls the trigger.
 * 4. not capable, tolerant trigger → `escalated` if provoking, else `unresolved` (the caller accepts "not today").
 * 5. not capable, impatient caller → `abandoned` (hangs up); angry or frustrated caller → `escalated`.
 * 6. not capable otherwise → `escalated` when the gap is wide (competence 2+ below complexity, or the issue category
 *    is outside the agent's skills: the trigger's "can't / won't" fires), else `unresolved`.
 */
export function expectedOutcome(customer: CustomerPersona, agent: AgentPersona): Outcome {
  const capable = isSkilledFor(customer, agent) && agent.competence >= customer.issueComplexity;
  const tolerant = hasTolerantTrigger(customer);
  const provoking = PROVOKING_ATTITUDES.has(agent.attitude) && !tolerant;
  if (capable) return provoking ? 'escalated' : 'resolved';
  if (tolerant) return PROVOKING_ATTITUDES.has(agent.attitude) ? 'escalated' : 'unresolved';
  if (customer.demeanor === 'impatient') return 'abandoned';
  if (SHORT_FUSED.has(customer.demeanor)) return 'escalated';
  const wideGap =
    customer.issueComplexity - agent.competence >= 2 ||
    !agent.skills.issueCategories.includes(customer.issueCategory);
  return wideGap ? 'escalated' : 'unresolved';
}
