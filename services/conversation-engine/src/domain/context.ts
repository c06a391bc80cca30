import { type AgentPersona, type CustomerPersona, expectedOutcome } from '@synthcall/personas';
import type { CallContext, Scenario } from './types.js';

/** A scenario straight from the customer persona, for calls planned without an orchestrator (scripts, tests). */
export function scenarioOf(customer: CustomerPersona): Scenario {
  return {
    industry: customer.industry,
    issueCategory: customer.issueCategory,
    issueComplexity: customer.issueComplexity,
    demeanor: customer.demeanor,
    summary: customer.issue,
  };
}

export function callContext(input: {
  callId: string;
  seed: string;
  maxTurns: number;
  customer: CustomerPersona;
  agent: AgentPersona;
  scenario?: Scenario;
  expectedOutcome?: string;
}): CallContext {
  return {
    callId: input.callId,
    seed: input.seed,
    maxTurns: input.maxTurns,
    customer: input.customer,
    agent: input.agent,
    scenario: input.scenario ?? scenarioOf(input.customer),
    // Without an orchestrator's plan, the same rule the orchestrator applies.
    expectedOutcome: input.expectedOutcome ?? expectedOutcome(input.customer, input.agent),
  };
}
