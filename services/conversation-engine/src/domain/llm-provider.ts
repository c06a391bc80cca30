import type { RealizedBy } from './director/director.js';
import type { Move } from './director/move.js';
import type { CallContext, ChatMessage, Role } from './types.js';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface TokenUsage {
  prompt: number;
  completion: number;
}

export const NO_TOKENS: TokenUsage = { prompt: 0, completion: 0 };

/** Ends the director may plan; the engine adds `max_turns`, `loop_detected` and `error` itself. */
export type NaturalEnd = 'resolved' | 'escalated' | 'customer_abandoned' | 'unresolved';

export interface LineRequest {
  context: CallContext;
  role: Role;
  turn: number;
  /** The speaking role's own history: its system message, what it said (assistant), what it heard (user). */
  history: readonly ChatMessage[];
  /** The director's move for this line: what to say, ask or disclose, the mood, whether it ends the call. */
  move: Move;
}

export interface LineResult {
  /** The words to speak. */
  text: string;
  /** model = the provider's own wording, checked against the plan; template = the move's own line. */
  realizedBy: Extract<RealizedBy, 'model' | 'template'>;
  usage: TokenUsage;
  /** Why a model's wording was not used (an error code or a failed check), for logs and metrics. */
  templateReason?: string | undefined;
  /** Model requests this line took (0 for a template line that asked no model). */
  requests: number;
}

/**
 * The port the engine asks to put the director's move into words: `scripted` speaks the move's own line, `openai`
 * has a model reword it and falls back to the move's line when the model fails or contradicts the plan. A provider
 * decides nothing about the call: the director decides moves and ends, the engine applies the end-of-call rules.
 */
export interface LlmProvider {
  readonly name: string;
  /** The model asked for, or null for a provider that uses none. */
  readonly model: string | null;
  nextLine(request: LineRequest): Promise<LineResult>;
}
