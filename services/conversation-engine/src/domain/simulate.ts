import { type CallState, classifyHeard, newCall, type Voice, withHeard } from './conversation.js';
import type { LlmProvider } from './llm-provider.js';
import { produceTurn } from './turn.js';
import type { CallContext, Role } from './types.js';
import { otherRole } from './types.js';

export interface SimulatedLine {
  turn: number;
  role: Role;
  text: string;
}

export interface SimulatedCall {
  lines: SimulatedLine[];
  state: CallState;
}

/**
 * Plays a call without a bus: the agent greets, then each role hears the other's line and answers, through the same
 * state functions the engine uses. `hear` stands in for the speech recogniser (identity by default).
 */
export async function simulateCall(
  context: CallContext,
  providers: Record<Role, LlmProvider>,
  options: {
    voices: Record<Role, Voice>;
    hear?: (text: string, turn: number) => string;
    now?: () => number;
  } = {
    voices: { agent: { voice: 'man', language: 'en-US' }, customer: { voice: 'woman', language: 'en-US' } },
  },
): Promise<SimulatedCall> {
  const now = options.now ?? (() => 0);
  const hear = options.hear ?? ((text: string) => text);
  let state = newCall(
    context,
    { scenario: context.scenario, expectedOutcome: context.expectedOutcome, voices: options.voices },
    now(),
  );
  const lines: SimulatedLine[] = [];
  let role: Role = 'agent';
  for (let turn = 0; ; turn++) {
    const applied = await produceTurn({ state, context, role, turn, provider: providers[role], now });
    state = applied.state;
    lines.push({ turn, role, text: applied.text });
    if (applied.end || turn > context.maxTurns) break;
    const listener = otherRole(role);
    if (classifyHeard(state, listener, turn) !== 'reply') break;
    state = withHeard(state, listener, turn, hear(applied.text, turn), now());
    role = listener;
  }
  return { lines, state };
}
