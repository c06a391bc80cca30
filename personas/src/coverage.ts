import type { AgentPersona, CustomerPersona, PersonaSet } from './schema.js';

/** Agents whose skills name both the customer's industry and issue category. */
export function agentsFor(customer: CustomerPersona, agents: readonly AgentPersona[]): AgentPersona[] {
  return agents.filter(
    (agent) =>
      agent.skills.industries.includes(customer.industry) &&
      agent.skills.issueCategories.includes(customer.issueCategory),
  );
}

/**
 * Customers no agent is skilled for. `matched` pairing needs at least one candidate per customer; a set with gaps
 * still loads (someone may want it for `stress` runs), so callers decide whether a gap is fatal.
 */
export function uncoveredCustomers(set: PersonaSet): CustomerPersona[] {
  return set.customers.filter((customer) => agentsFor(customer, set.agents).length === 0);
}
