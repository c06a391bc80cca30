import { writtenForm } from '@synthcall/spoken-form';
import type { JsonValue, NaturalEnd, TokenUsage } from './llm-provider.js';

/** A line on its way into the call: its words, the end the director planned, and the director's state after it. */
export interface CandidateLine {
  text: string;
  end?: NaturalEnd | undefined;
  usage: TokenUsage;
  /** True when the line is a canned fallback, not a move of the call. */
  fallback: boolean;
  /** The director's state after this line (director/director.ts). */
  director: JsonValue | null;
}

import { agentFarewell, systemPrompt } from './prompt.js';
import { assessCall, type GateLine, type GateVerdict } from './quality-gate.js';
import type { CallContext, CallEnd, ChatMessage, Role, Scenario } from './types.js';
import { otherRole, speakerOf } from './types.js';

export type ConversationStatus = 'active' | 'ending' | 'ended';

export interface Voice {
  voice: string;
  language: string;
}

/** What CallPlanned says about a call that the persona files do not: kept so a restarted engine knows it too. */
export interface CallMeta {
  scenario: Scenario;
  expectedOutcome: string;
  voices: Record<Role, Voice>;
  /** Gateway fallbacks for turns the engine had not produced yet, by turn. */
  pendingFallbacks: Record<string, string>;
  /** Turns whose spoken line was a fallback (the engine's or the gateway's); absent in states written before it. */
  fallbackLines?: number[];
}

/** Limits of the end-of-call rules that come from config rather than from the call. */
export interface EndLimits {
  /** This many fallback lines in a row end the call (`error`) on the next line. */
  maxFallbackRun: number;
}

export const DEFAULT_END_LIMITS: EndLimits = { maxFallbackRun: 3 };

function withFallbackLine(meta: CallMeta, turn: number): CallMeta {
  const lines = meta.fallbackLines ?? [];
  return lines.includes(turn) ? meta : { ...meta, fallbackLines: [...lines, turn] };
}

/** How many of the call's last lines in a row were fallbacks. */
export function fallbackRun(state: CallState): number {
  const lines = new Set(state.meta.fallbackLines ?? []);
  let run = 0;
  while (lines.has(state.turn - run)) run++;
  return run;
}

/** The engine's state of one call; every change is a new object with `version + 1`. */
export interface CallState {
  callId: string;
  version: number;
  updatedAt: number;
  status: ConversationStatus;
  /** Number of the last line produced; -1 before the greeting. */
  turn: number;
  maxTurns: number;
  customerId: string;
  agentId: string;
  seed: string;
  histories: Record<Role, ChatMessage[]>;
  end: CallEnd | null;
  tokensUsed: number;
  fallbackTurns: number;
  meta: CallMeta;
  /** The director's plan, memories and ground truth of the call (director/director.ts), whatever the provider. */
  director: JsonValue | null;
}

export function newCall(
  context: CallContext,
  meta: Omit<CallMeta, 'pendingFallbacks'>,
  now: number,
): CallState {
  return {
    callId: context.callId,
    version: 1,
    updatedAt: now,
    status: 'active',
    turn: -1,
    maxTurns: context.maxTurns,
    customerId: context.customer.id,
    agentId: context.agent.id,
    seed: context.seed,
    histories: {
      agent: [{ role: 'system', content: systemPrompt(context, 'agent'), turn: -1 }],
      customer: [{ role: 'system', content: systemPrompt(context, 'customer'), turn: -1 }],
    },
    end: null,
    tokensUsed: 0,
    fallbackTurns: 0,
    meta: { ...meta, pendingFallbacks: {} },
    director: null,
  };
}

function bump(state: CallState, now: number, change: Partial<CallState>): CallState {
  return { ...state, ...change, version: state.version + 1, updatedAt: now };
}

export type HeardDecision = 'reply' | 'duplicate' | 'after_end' | 'not_next';

/**
 * Whether an UtteranceHeard{role, turn} is the one the call waits for. The heard line must be the last line
 * produced, spoken by the other role; anything older is a redelivery and is answered by nothing.
 */
export function classifyHeard(state: CallState, role: Role, turn: number): HeardDecision {
  if (state.status !== 'active') return 'after_end';
  if (turn < state.turn) return 'duplicate';
  if (turn === state.turn && state.histories[role].some((m) => m.role === 'user' && m.turn === turn))
    return 'duplicate';
  if (turn !== state.turn || speakerOf(turn) === role) return 'not_next';
  return 'reply';
}

/**
 * What a role heard joins its history with the figures written back: a recogniser writes "T C dash eight eight…" and
 * "ninety one dollars", and the role reads ids, amounts and times as a voice bot does after inverse text
 * normalisation ("TC-88…", "$91"). One place, so every reader of the history (the planner's id check, the read-back
 * repair, a model's prompt) sees the same words.
 */
export function withHeard(state: CallState, role: Role, turn: number, text: string, now: number): CallState {
  return bump(state, now, {
    histories: {
      ...state.histories,
      [role]: [...state.histories[role], { role: 'user', content: writtenForm(text).text, turn }],
    },
  });
}

export interface ProducedLine {
  role: Role;
  turn: number;
  text: string;
  fallback: boolean;
  tokens: number;
  end: CallEnd | null;
  director: JsonValue | null;
}

export function withReply(state: CallState, line: ProducedLine, now: number): CallState {
  const pending = state.meta.pendingFallbacks[String(line.turn)];
  const { [String(line.turn)]: _used, ...rest } = state.meta.pendingFallbacks;
  const text = pending ?? line.text;
  const fallback = pending !== undefined || line.fallback;
  return bump(state, now, {
    turn: line.turn,
    status: line.end ? 'ended' : 'active',
    end: line.end,
    tokensUsed: state.tokensUsed + line.tokens,
    fallbackTurns: state.fallbackTurns + (fallback ? 1 : 0),
    director: line.director,
    meta: fallback
      ? withFallbackLine({ ...state.meta, pendingFallbacks: rest }, line.turn)
      : { ...state.meta, pendingFallbacks: rest },
    histories: {
      ...state.histories,
      [line.role]: [...state.histories[line.role], { role: 'assistant', content: text, turn: line.turn }],
    },
  });
}

/**
 * A gateway spoke its own fallback for (role, turn): what the listener heard is that line, so both histories must
 * say it. A fallback for a turn not produced yet is remembered and wins when the engine's line arrives.
 */
export function withGatewayFallback(
  state: CallState,
  role: Role,
  turn: number,
  text: string,
  now: number,
): CallState | null {
  const replace = (messages: ChatMessage[], kind: ChatMessage['role']) =>
    messages.map((m) => (m.turn === turn && m.role === kind ? { ...m, content: text } : m));
  const spoken = state.histories[role].find((m) => m.role === 'assistant' && m.turn === turn);
  if (spoken) {
    if (spoken.content === text) return null;
    const listener = otherRole(role);
    return bump(state, now, {
      fallbackTurns: state.fallbackTurns + 1,
      meta: withFallbackLine(state.meta, turn),
      histories: {
        ...state.histories,
        [role]: replace(state.histories[role], 'assistant'),
        [listener]: replace(state.histories[listener], 'user'),
      } as Record<Role, ChatMessage[]>,
    });
  }
  if (turn <= state.turn || state.meta.pendingFallbacks[String(turn)] === text) return null;
  return bump(state, now, {
    meta: { ...state.meta, pendingFallbacks: { ...state.meta.pendingFallbacks, [String(turn)]: text } },
  });
}

/**
 * A role's own line at `turn` as it was said: cut off by the other side, it said only `text` (the director's
 * interruption). Its history, and the quality gate that reads it, hold those words, so the line that resumes it is no
 * repetition of words never said.
 */
export function withOwnLineSaid(state: CallState, role: Role, turn: number, text: string): CallState {
  return {
    ...state,
    histories: {
      ...state.histories,
      [role]: state.histories[role].map((m) =>
        m.role === 'assistant' && m.turn === turn ? { ...m, content: text } : m,
      ),
    },
  };
}

/** The call as the quality gate reads it: one entry per line, with what the listener heard when known. */
export function transcript(state: CallState): GateLine[] {
  const lines: GateLine[] = [];
  for (const role of ['agent', 'customer'] as const) {
    for (const m of state.histories[role]) {
      if (m.role !== 'assistant') continue;
      const heard = state.histories[otherRole(role)].find((h) => h.role === 'user' && h.turn === m.turn);
      lines.push({ turn: m.turn, role, said: m.content, heard: heard?.content });
    }
  }
  return lines.sort((a, b) => a.turn - b.turn);
}

const CUSTOMER_CLOSINGS = [
  "I'm going to have to go now. I'll call back another time. Goodbye.",
  'Sorry, I really need to hang up now. Bye.',
  "I can't stay on any longer, I'll try again later. Goodbye.",
];

// A farewell sentence telling the caller their problem is dealt with ("your issue is resolved", "you're all set",
// "that's processed"), which is false when the engine cuts a call short.
const CLAIMS_DONE =
  /\b(?:resolved|all set|taken care of|processed|good to go|should do it|done|that's everything|noted|confirm\w*|agreed|fixed|sorted)\b|\banything else\b/i;
const COURTESY = /\b(?:thank|thanks|bye|goodbye|take (?:good )?care|take it easy|have an? |safe travels)/i;

/** The agent persona's own thanks and goodbye, without the sentences of its farewell that say the call's work is done. */
function courtesyOf(context: CallContext): string {
  const sentences = agentFarewell(context).match(/[^.!?]+[.!?]*/g) ?? [];
  const kept = sentences.map((s) => s.trim()).filter((s) => COURTESY.test(s) && !CLAIMS_DONE.test(s));
  return kept.length > 0 ? kept.join(' ') : 'Goodbye.';
}

/**
 * The line that ends a call the engine stops itself (`max_turns`, `loop_detected`, `error`): the agent says why
 * and closes with its persona's courtesies, never with a farewell claiming the issue is settled; the customer says
 * goodbye.
 */
export function closingLine(context: CallContext, role: Role, reason: CallEnd['reason']): string {
  if (role === 'agent') {
    const lead =
      reason === 'max_turns'
        ? "I'm afraid I have to wrap up our call here."
        : reason === 'loop_detected'
          ? "I think we're going around in circles, so let's stop here and you can reach us again any time."
          : "I'm sorry, something went wrong on our side, so I have to end the call here.";
    return `${lead} ${courtesyOf(context)}`;
  }
  return CUSTOMER_CLOSINGS[context.seed.length % CUSTOMER_CLOSINGS.length] as string;
}

/** Why the engine ended a call over the provider's line: the quality gate's verdict, or a run of fallback lines. */
export type RuleVerdict = GateVerdict | { ok: false; rule: 'fallback_run'; turn: number; detail: string };

export interface ReplyDecision {
  text: string;
  end: CallEnd | null;
  /** Why the engine overrode the provider's line, if it did. */
  verdict?: RuleVerdict;
}

/**
 * The end-of-call rules applied to a provider's candidate line: a natural end the provider chose stands; the line
 * after `maxFallbackRun` fallback lines in a row ends the call as `error` (a model that keeps failing, or a gateway
 * that keeps speaking for a late engine, will not recover, and only the caller would notice); a call the quality gate
 * flags ends as `loop_detected`; the line that reaches the turn cap ends as `max_turns`.
 */
export function decideReply(
  state: CallState,
  context: CallContext,
  role: Role,
  turn: number,
  candidate: Pick<CandidateLine, 'text' | 'end'>,
  limits: EndLimits = DEFAULT_END_LIMITS,
): ReplyDecision {
  if (candidate.end) return { text: candidate.text, end: { reason: candidate.end, endedBy: role } };
  const run = fallbackRun(state);
  if (run >= limits.maxFallbackRun)
    return {
      text: closingLine(context, role, 'error'),
      end: { reason: 'error', endedBy: role },
      verdict: { ok: false, rule: 'fallback_run', turn, detail: `${run} fallback lines in a row` },
    };
  const verdict = assessCall([...transcript(state), { turn, role, said: candidate.text }]);
  if (!verdict.ok)
    return {
      text: closingLine(context, role, 'loop_detected'),
      end: { reason: 'loop_detected', endedBy: role },
      verdict,
    };
  if (turn + 1 >= state.maxTurns)
    return { text: closingLine(context, role, 'max_turns'), end: { reason: 'max_turns', endedBy: role } };
  return { text: candidate.text, end: null };
}

export interface AppliedLine {
  state: CallState;
  text: string;
  end: CallEnd | null;
  fallback: boolean;
  verdict?: RuleVerdict | undefined;
}

/**
 * A provider's line through the end-of-call rules into the state: the one path by which every line, in the
 * service and in the offline generator alike, enters a call.
 */
export function applyLine(
  state: CallState,
  context: CallContext,
  role: Role,
  turn: number,
  result: CandidateLine,
  now: number,
  /** An end the engine imposes regardless of the line (a provider that threw). */
  forced?: CallEnd,
  limits: EndLimits = DEFAULT_END_LIMITS,
): AppliedLine {
  const decision: ReplyDecision = forced
    ? { text: result.text, end: forced }
    : decideReply(state, context, role, turn, result, limits);
  const next = withReply(
    state,
    {
      role,
      turn,
      text: decision.text,
      fallback: result.fallback,
      tokens: result.usage.prompt + result.usage.completion,
      end: decision.end,
      director: result.director,
    },
    now,
  );
  const spoken = next.histories[role].at(-1)?.content ?? decision.text;
  return {
    state: next,
    text: spoken,
    end: decision.end,
    fallback: next.fallbackTurns > state.fallbackTurns,
    verdict: decision.verdict,
  };
}
