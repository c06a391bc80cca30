import {
  type AppliedLine,
  applyLine,
  type CallState,
  closingLine,
  DEFAULT_END_LIMITS,
  type EndLimits,
  withOwnLineSaid,
} from './conversation.js';
import { nextMove, parseDirectorState, type RealizedBy, recordSpoken } from './director/director.js';
import type { Move } from './director/move.js';
import { type JsonValue, type LineResult, type LlmProvider, NO_TOKENS } from './llm-provider.js';
import type { CallContext, Role } from './types.js';

export interface ProducedTurn extends AppliedLine {
  move: Move | null;
  /** Who put the spoken words together: the model, the director's template (or the engine's closing line), a fallback. */
  realizedBy: RealizedBy;
  result: LineResult | null;
  /** What went wrong, when the provider or the director threw (the line is then the template or a closing line). */
  failure?: { stage: 'director' | 'provider'; error: unknown };
}

/**
 * One line of a call, the same in the service and in the offline generator: the director decides the move, the
 * provider puts it into words, the end-of-call rules apply, and the ground truth records the words that will be
 * spoken. A provider that throws costs the call nothing: the move's own line is spoken. A director that throws ends
 * the call (`error`), since no one knows what the next move is.
 */
export async function produceTurn(input: {
  state: CallState;
  context: CallContext;
  role: Role;
  turn: number;
  provider: LlmProvider;
  now: () => number;
  limits?: EndLimits;
}): Promise<ProducedTurn> {
  const { context, role, turn, provider, now } = input;
  const limits = input.limits ?? DEFAULT_END_LIMITS;
  let directed: ReturnType<typeof nextMove>;
  try {
    directed = nextMove(context, role, turn, input.state.histories[role], input.state.director);
  } catch (error) {
    const applied = applyLine(
      input.state,
      context,
      role,
      turn,
      {
        text: closingLine(context, role, 'error'),
        usage: NO_TOKENS,
        fallback: true,
        director: input.state.director,
      },
      now(),
      { reason: 'error', endedBy: role },
      limits,
    );
    // The closing line is spoken like any other: the ground truth lists it (a state the director cannot read at all
    // stays as it was).
    let recorded = applied.state.director;
    try {
      const closing: Move = {
        role,
        turn,
        kind: role === 'agent' ? 'farewell' : 'abandon',
        line: applied.text,
        mood: null,
        names: [],
        plannedPii: [],
      };
      recorded = recordSpoken(
        parseDirectorState(input.state.director, context),
        context,
        closing,
        applied.text,
        'fallback',
      ) as unknown as JsonValue;
    } catch {}
    return {
      ...applied,
      state: { ...applied.state, director: recorded },
      move: null,
      realizedBy: 'fallback',
      result: null,
      failure: { stage: 'director', error },
    };
  }
  const { move } = directed;
  // The other side's line was cut off by this role's interjection: its history keeps the words said.
  const cut = directed.state.interruptions?.find((x) => x.turn === turn - 1 && x.by === role);
  const state = cut ? withOwnLineSaid(input.state, cut.role, cut.turn, cut.said) : input.state;
  let result: LineResult;
  let failure: ProducedTurn['failure'];
  try {
    result = await provider.nextLine({ context, role, turn, history: state.histories[role], move });
  } catch (error) {
    failure = { stage: 'provider', error };
    result = {
      text: move.line,
      realizedBy: 'template',
      usage: NO_TOKENS,
      templateReason: 'provider_failed',
      requests: 0,
    };
  }
  const applied = applyLine(
    state,
    context,
    role,
    turn,
    {
      text: result.text,
      end: move.end,
      usage: result.usage,
      fallback: false,
      director: directed.state as unknown as JsonValue,
    },
    now(),
    undefined,
    limits,
  );
  // The engine may have replaced the words: a gateway fallback already spoken for this turn, or a closing line.
  const realizedBy: RealizedBy = applied.fallback
    ? 'fallback'
    : applied.text === result.text
      ? result.realizedBy
      : 'template';
  let spokenMove: Move = move;
  if (applied.fallback || applied.text !== result.text) {
    // Other words were said, and at once (no hold before them): a gateway fallback, or the engine's closing line,
    // which discloses nothing the move planned.
    const { pauseSec: _saidAtOnce, cutInAfterSec: _noCutIn, ...atOnce } = move;
    spokenMove = applied.fallback
      ? atOnce
      : { ...atOnce, kind: role === 'agent' ? 'farewell' : 'abandon', plannedPii: [] };
  }
  const director = recordSpoken(directed.state, context, spokenMove, applied.text, realizedBy);
  return {
    ...applied,
    state: { ...applied.state, director: director as unknown as JsonValue },
    move: spokenMove,
    realizedBy,
    result,
    ...(failure ? { failure } : {}),
  };
}
