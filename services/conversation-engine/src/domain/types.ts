import type { AgentPersona, CustomerPersona } from '@synthcall/personas';

export type Role = 'agent' | 'customer';
export const ROLES: readonly Role[] = ['agent', 'customer'];

/** End reasons the engine decides itself (`time_limit` is the gateway's, never ours). */
export type EndReason =
  | 'resolved'
  | 'escalated'
  | 'customer_abandoned'
  | 'unresolved'
  | 'max_turns'
  | 'loop_detected'
  | 'error';

export interface CallEnd {
  reason: EndReason;
  endedBy: Role;
}

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
  turn: number;
}

export interface Scenario {
  industry: string;
  issueCategory: string;
  issueComplexity: number;
  demeanor: string;
  summary: string;
}

/** Everything fixed about a call once it is planned: who talks, about what, under which limits. */
export interface CallContext {
  callId: string;
  seed: string;
  maxTurns: number;
  customer: CustomerPersona;
  agent: AgentPersona;
  scenario: Scenario;
  /** The orchestrator's expectation (CallPlanned.expectedOutcome). */
  expectedOutcome: string;
}

export function otherRole(role: Role): Role {
  return role === 'agent' ? 'customer' : 'agent';
}

/** The agent speaks even turns, the customer odd ones (docs/call-protocol.md). */
export function speakerOf(turn: number): Role {
  return turn % 2 === 0 ? 'agent' : 'customer';
}
