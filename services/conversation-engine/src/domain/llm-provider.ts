import type { CallContext, ChatMessage, Role } from './types.js';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface TokenUsage {
  prompt: number;
  completion: number;
}

export const NO_TOKENS: TokenUsage = { prompt: 0, completion: 0 };

/** Ends a provider may choose; the engine adds `max_turns`, `loop_detected` and `error` itself. */
export type NaturalEnd = 'resolved' | 'escalated' | 'customer_abandoned';

export interface LineRequest {
  context: CallContext;
  role: Role;
  turn: number;
  /** The speaking role's own history: its system message, what it said (assistant), what it heard (user). */
  history: readonly ChatMessage[];
  /** This provider's own state of the call as it last returned it (null on the first line). */
  state: JsonValue | null;
}

export interface LineResult {
  text: string;
  end?: NaturalEnd | undefined;
  usage: TokenUsage;
  /** True when the provider could not produce a real line and spoke a canned one instead. */
  fallback: boolean;
  /** Why the line is a fallback (an error code), for logs and metrics. */
  fallbackReason?: string | undefined;
  state: JsonValue | null;
}

/** The port the engine asks for each next line: `scripted` offline, `openai` for a real model. */
export interface LlmProvider {
  readonly name: string;
  nextLine(request: LineRequest): Promise<LineResult>;
}
