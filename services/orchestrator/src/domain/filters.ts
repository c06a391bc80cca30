import type { AgentPersona, CustomerPersona } from '@synthcall/personas';
import type { PersonaFilter } from '@synthcall/schemas';

/** Empty arrays and nulls mean "no restriction", as CallRequested documents. */
export function filterCustomers(
  customers: readonly CustomerPersona[],
  filter: PersonaFilter | null,
): CustomerPersona[] {
  if (!filter) return [...customers];
  return customers.filter(
    (c) =>
      (filter.ids.length === 0 || filter.ids.includes(c.id)) &&
      (filter.industries.length === 0 || filter.industries.includes(c.industry)) &&
      (filter.minComplexity === null || c.issueComplexity >= filter.minComplexity) &&
      (filter.maxComplexity === null || c.issueComplexity <= filter.maxComplexity),
  );
}

/** For agents, `industries` means "skilled in one of these" and the complexity bounds apply to competence. */
export function filterAgents(agents: readonly AgentPersona[], filter: PersonaFilter | null): AgentPersona[] {
  if (!filter) return [...agents];
  return agents.filter(
    (a) =>
      (filter.ids.length === 0 || filter.ids.includes(a.id)) &&
      (filter.industries.length === 0 || a.skills.industries.some((i) => filter.industries.includes(i))) &&
      (filter.minComplexity === null || a.competence >= filter.minComplexity) &&
      (filter.maxComplexity === null || a.competence <= filter.maxComplexity),
  );
}
