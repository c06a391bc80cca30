import { BARGE_IN_STOP_SEC, spokenBefore } from '@synthcall/speech-timing';
import type { JsonValue, NaturalEnd } from '../llm-provider.js';
import { chance, seededRandom } from '../random.js';
import {
  findPii,
  type GroundTruth,
  type PiiSpan,
  parseScriptedState,
  type ScriptedState,
  scriptedLine,
} from '../scripted/planner.js';
import type { CallContext, ChatMessage, Role } from '../types.js';
import {
  askedForId,
  backFromHold,
  holdSeconds,
  returnsFromHold,
  STALL_CHANCE,
  stall,
  stillHere,
  stillThere,
} from './hold.js';
import type { Move, MoveKind } from './move.js';
import { correction, misheardFigure, NOTICE_CHANCE, readBack } from './repair.js';
import {
  backchannel,
  cutInAfter,
  interjection,
  plannerHistory,
  resumption,
  roomToSplit,
  splitLine,
  withFillers,
} from './turn-taking.js';

/** Who put a move into words: a model (checked against the plan), the director's own line, or a canned fallback. */
export type RealizedBy = 'model' | 'template' | 'fallback';

/** One line as it was spoken, beside the move it realized. */
export interface SpokenTurn {
  turn: number;
  role: Role;
  move: MoveKind;
  realizedBy: RealizedBy;
  text: string;
  /** PII types the move planned to disclose. */
  plannedPii: string[];
  /** People other than the caller the line was allowed to name, kept so a re-spoken line is labelled alike. */
  names: string[];
}

/**
 * The director's per-call state (CallState.director): the plan and both roles' memories (the scripted planner's), and
 * the ground truth of what was actually spoken. Provider-independent: every provider's call carries one.
 */
export interface DirectorState extends ScriptedState {
  turns: SpokenTurn[];
  /** The version of the last GroundTruthRecorded published for the call (absent before the first). */
  truthVersion?: number;
  /** What is left of a line a role is saying in parts (turn-taking.ts): its next turn goes on with it. */
  pending?: PendingLine;
  /** Turns that were only an acknowledgement of the other side ("mm-hm"). */
  backchannels?: number[];
  /** Turns that went on with the same role's line before the other side's acknowledgement. */
  continuations?: number[];
  /** A figure or id misheard and read back by `by`: the other side's next turn corrects it (repair.ts). */
  repair?: { by: Role; value: string };
  /** Holds the caller was put on: the agent's line at `turn` was said after `seconds` of hold (hold.ts). */
  holds?: Array<{ turn: number; seconds: number }>;
  /** `by` said (Move.cutInAfterSec) it cuts into the line at `turn` after `afterSec` seconds of it. */
  cutIn?: { turn: number; by: Role; afterSec: number };
  /** Lines cut off by the other side: `said` is what was said of the line at `turn` (its text in `turns`). */
  interruptions?: Interruption[];
  /** Figures the listener heard differently from what was said, noticed (read back, then corrected) or not. */
  misunderstandings?: Misunderstanding[];
}

/** A figure of the line at `turn` (said by `role`) that the other side heard as `heard` (repair.ts). */
export interface Misunderstanding {
  turn: number;
  role: Role;
  said: string;
  heard: string;
  noticed: boolean;
  readBackTurn: number | null;
  correctionTurn: number | null;
}

export interface Interruption {
  turn: number;
  role: Role;
  by: Role;
  afterSec: number;
  said: string;
  cut: string;
}

/** Moves whose line goes on into the other side's next line, so a cut into that line is not planned after them. */
const NO_CUT_AFTER = new Set<MoveKind>([
  'greet',
  'stall',
  'still_there',
  'read_back',
  'correct',
  'interject',
]);

/** The rest of a line cut for the listener's acknowledgement, with what its move carries. */
export interface PendingLine {
  role: Role;
  kind: MoveKind;
  rest: string;
  end?: NaturalEnd;
  mood: string | null;
  names: string[];
}

export function parseDirectorState(json: JsonValue | null, context: CallContext): DirectorState {
  const state = parseScriptedState(json, context) as ScriptedState & { turns?: SpokenTurn[] };
  return { ...state, turns: state.turns ?? [] };
}

function plannedPiiOf(text: string, context: CallContext, turn: number, names: readonly string[]) {
  return findPii(text, context.customer, turn, names).map(({ type, value }) => ({ type, value }));
}

/**
 * Says `text` now, or its first part when the line is long and the call has room: the rest waits in `pending` for
 * the role's next turn, after the other side's acknowledgement. Fillers go into the words said now.
 */
function sayInParts(
  context: CallContext,
  state: DirectorState,
  role: Role,
  turn: number,
  line: Omit<PendingLine, 'role' | 'rest'> & { text: string },
): { move: Move; state: DirectorState } {
  const random = seededRandom(`${context.seed}:turn-taking:${turn}`);
  // Only a call with room under its cap is paced like this; one held to the old 24-turn cap is spoken as before.
  const paced =
    line.kind !== 'greet' &&
    !line.end &&
    roomToSplit(turn, state.backchannels?.length ?? 0, context.maxTurns);
  const split = paced ? splitLine(line.text, random) : null;
  const said = paced ? withFillers(split ? split[0] : line.text, role, random) : line.text;
  const { pending: _done, ...rest } = state;
  return {
    move: {
      role,
      turn,
      kind: line.kind,
      line: said,
      ...(line.end && !split ? { end: line.end } : {}),
      mood: line.mood,
      names: line.names,
      plannedPii: plannedPiiOf(said, context, turn, line.names),
    },
    state: split
      ? {
          ...rest,
          pending: {
            role,
            kind: line.kind,
            rest: split[1],
            ...(line.end ? { end: line.end } : {}),
            mood: line.mood,
            names: line.names,
          },
        }
      : rest,
  };
}

/**
 * The director's next move for `role` at `turn`. It reads only the role's own history (what it heard, which may be
 * misrecognised and, with a model, worded freely) and the plan; the same seed and the same heard lines give the same
 * move. The ground truth is not touched here: it is recorded from the words spoken (`recordSpoken`).
 */
export function nextMove(
  context: CallContext,
  role: Role,
  turn: number,
  history: readonly ChatMessage[],
  json: JsonValue | null,
): { move: Move; state: DirectorState } {
  const parsed = parseDirectorState(json, context);
  const { cutIn, ...rest } = parsed;
  if (cutIn && cutIn.turn === turn - 1 && cutIn.by === role) {
    const cut = cutInto(context, rest, cutIn, turn);
    if (cut) return cut;
  }
  const decided = decideMove(context, role, turn, history, cutIn && cutIn.turn >= turn ? parsed : rest);
  return planCutIn(context, decided, turn);
}

/**
 * The other side's line at `turn - 1` was said until this role cut in (`cutIn.afterSec` seconds into it, the voice
 * stopping BARGE_IN_STOP_SEC later at the end of a word, as the telephony does): its turn keeps only the words said,
 * with their PII; this role's move is the interjection, and the other side's next line restarts the sentence it was
 * cut in. Null when the line was over before the cut (then nothing was cut, and the call goes on as usual).
 */
function cutInto(
  context: CallContext,
  state: DirectorState,
  cutIn: NonNullable<DirectorState['cutIn']>,
  turn: number,
): { move: Move; state: DirectorState } | null {
  const line = state.turns.find((t) => t.turn === cutIn.turn);
  if (!line || line.role === cutIn.by || line.realizedBy === 'fallback') return null;
  const voice = context[line.role].voice;
  const { said, rest } = spokenBefore(line.text, voice, cutIn.afterSec + BARGE_IN_STOP_SEC);
  if (rest === '' || said === '') return null;
  const mood = state.truth.demeanorTrajectory.find((p) => p.turn === line.turn)?.demeanor ?? null;
  const cutState = withTurn(state, context, { ...line, text: said }, mood);
  const random = seededRandom(`${context.seed}:cut-in:${turn}`);
  const pending = state.pending?.role === line.role ? state.pending : undefined;
  const resumed = resumption(said, rest, random);
  const role = cutIn.by;
  const speakerMood = role === 'customer' ? (state.customer?.mood ?? context.scenario.demeanor) : null;
  return {
    move: {
      role,
      turn,
      kind: 'interject',
      line: interjection(role, speakerMood, random),
      mood: speakerMood,
      names: [],
      plannedPii: [],
    },
    state: {
      ...cutState,
      pending: {
        role: line.role,
        kind: pending?.kind ?? line.move,
        rest: pending ? `${resumed} ${pending.rest}` : resumed,
        ...(pending?.end ? { end: pending.end } : {}),
        mood: pending?.mood ?? mood,
        names: pending?.names ?? line.names,
      },
      backchannels: [...(state.backchannels ?? []), turn],
      interruptions: [
        ...(state.interruptions ?? []),
        { turn: line.turn, role: line.role, by: role, afterSec: cutIn.afterSec, said, cut: rest },
      ],
    },
  };
}

/**
 * Whether this role cuts into the other side's next line, decided with the line before it. Not after a move the next
 * line answers in a fixed way (a read-back, a silence), not while this role's own line goes on, not at the end.
 */
function planCutIn(
  context: CallContext,
  decided: { move: Move; state: DirectorState },
  turn: number,
): { move: Move; state: DirectorState } {
  const { move, state } = decided;
  if (
    move.end ||
    move.pauseSec ||
    NO_CUT_AFTER.has(move.kind) ||
    state.repair ||
    state.cutIn?.turn === turn ||
    state.pending?.role === move.role ||
    !roomToSplit(turn + 1, state.backchannels?.length ?? 0, context.maxTurns)
  )
    return decided;
  const afterSec = cutInAfter(seededRandom(`${context.seed}:plan-cut-in:${turn}`));
  if (afterSec === null) return decided;
  return {
    move: { ...move, cutInAfterSec: afterSec },
    state: { ...state, cutIn: { turn: turn + 1, by: move.role, afterSec } },
  };
}

function decideMove(
  context: CallContext,
  role: Role,
  turn: number,
  history: readonly ChatMessage[],
  parsed: DirectorState,
): { move: Move; state: DirectorState } {
  const { repair: open, ...closed } = parsed;
  // A repair is over once the role that read back speaks again.
  const current: DirectorState = open && open.by === role ? closed : parsed;
  const pending = current.pending;
  const repair = current.repair;
  const misheard =
    !pending && !repair && roomToSplit(turn, current.backchannels?.length ?? 0, context.maxTurns)
      ? misheardFigure(history, current.turns, turn)
      : null;
  const noticed = misheard !== null && chance(seededRandom(`${context.seed}:notice:${turn}`), NOTICE_CHANCE);
  // Every misheard figure goes into the ground truth, noticed or not (one per misheard line: a re-decided turn
  // replaces its own).
  const before: DirectorState = misheard
    ? {
        ...current,
        misunderstandings: [
          ...(current.misunderstandings ?? []).filter((m) => m.turn !== turn - 1),
          {
            turn: turn - 1,
            role: role === 'agent' ? 'customer' : 'agent',
            said: misheard.said,
            heard: misheard.heard,
            noticed,
            readBackTurn: noticed ? turn : null,
            correctionTurn: null,
          },
        ],
      }
    : current;
  if (repair && repair.by !== role) {
    // The other side read back a figure it misheard: this role corrects it, going on with its own line.
    const random = seededRandom(`${context.seed}:repair:${turn}`);
    const line = correction(repair.value, random);
    return {
      move: {
        role,
        turn,
        kind: 'correct',
        line,
        mood: role === 'customer' ? (before.customer?.mood ?? context.scenario.demeanor) : null,
        names: [],
        plannedPii: plannedPiiOf(line, context, turn, []),
      },
      state: {
        ...before,
        continuations: [...(before.continuations ?? []), turn],
        ...(before.misunderstandings
          ? { misunderstandings: corrected(before.misunderstandings, role, turn) }
          : {}),
      },
    };
  }
  if (misheard && noticed) {
    // A figure came through wrong and this role noticed: it reads back what it heard (misunderstanding, then repair).
    const line = readBack(misheard.heard, seededRandom(`${context.seed}:read-back:${turn}`));
    return {
      move: {
        role,
        turn,
        kind: 'read_back',
        line,
        mood: role === 'customer' ? (before.customer?.mood ?? context.scenario.demeanor) : null,
        names: [],
        plannedPii: [],
      },
      state: {
        ...before,
        repair: { by: role, value: misheard.said },
        backchannels: [...(before.backchannels ?? []), turn],
      },
    };
  }
  const lastMove = before.turns.find((t) => t.turn === turn - 1)?.move;
  const room = roomToSplit(turn, before.backchannels?.length ?? 0, context.maxTurns);
  if (!pending && !repair && room && lastMove === 'stall') {
    // The caller went to find what was asked and the line went quiet: the agent waits, then asks.
    const { pauseSec, line } = stillThere(seededRandom(`${context.seed}:still-there:${turn}`));
    return {
      move: { role, turn, kind: 'still_there', line, pauseSec, mood: null, names: [], plannedPii: [] },
      state: { ...before, backchannels: [...(before.backchannels ?? []), turn] },
    };
  }
  if (
    !pending &&
    !repair &&
    room &&
    askedForId(role, turn, before.turns) &&
    chance(seededRandom(`${context.seed}:stall:${turn}`), STALL_CHANCE)
  ) {
    const line = stall(seededRandom(`${context.seed}:stall-line:${turn}`));
    return {
      move: {
        role,
        turn,
        kind: 'stall',
        line,
        mood: before.customer?.mood ?? context.scenario.demeanor,
        names: [],
        plannedPii: [],
      },
      state: { ...before, backchannels: [...(before.backchannels ?? []), turn] },
    };
  }
  if (pending && pending.role === role) {
    // Going on with a line cut for the listener's acknowledgement (which may be cut again).
    const next = sayInParts(context, before, role, turn, { ...pending, text: pending.rest });
    return {
      move: next.move,
      state: { ...next.state, continuations: [...(before.continuations ?? []), turn] },
    };
  }
  if (pending) {
    // The other side is mid-way through a line: this role acknowledges it and lets it go on.
    const random = seededRandom(`${context.seed}:backchannel:${turn}`);
    const mood = role === 'customer' ? (before.customer?.mood ?? context.scenario.demeanor) : null;
    return {
      move: {
        role,
        turn,
        kind: 'backchannel',
        line: backchannel(role, mood, random),
        mood,
        names: [],
        plannedPii: [],
      },
      state: { ...before, backchannels: [...(before.backchannels ?? []), turn] },
    };
  }
  const heard = plannerHistory(history, before.backchannels ?? [], before.continuations ?? []);
  const line = scriptedLine(context, role, turn, heard, before as unknown as JsonValue);
  if (lastMove === 'still_there' && !line.end) {
    // Back on the line: the caller says so, then answers what was asked before the silence.
    return sayInParts(context, { ...line.state, turns: before.turns, ...carried(before) }, role, turn, {
      kind: line.move,
      text: `${stillHere(seededRandom(`${context.seed}:still-here:${turn}`))} ${line.text}`,
      mood: line.mood,
      names: line.names,
    });
  }
  if (returnsFromHold(role, turn, before.turns) && !line.end) {
    // The caller agreed to hold: the agent's next line comes after the hold, and thanks the caller for waiting.
    const random = seededRandom(`${context.seed}:hold:${turn}`);
    const pauseSec = holdSeconds(random);
    const said = sayInParts(context, { ...line.state, turns: before.turns, ...carried(before) }, role, turn, {
      kind: line.move,
      text: `${backFromHold(pauseSec, random)} ${line.text}`,
      mood: line.mood,
      names: line.names,
    });
    return { move: { ...said.move, pauseSec }, state: said.state };
  }
  return sayInParts(context, { ...line.state, turns: before.turns, ...carried(before) }, role, turn, {
    kind: line.move,
    text: line.text,
    ...(line.end ? { end: line.end } : {}),
    mood: line.mood,
    names: line.names,
  });
}

/** What the director keeps of its own across the planner's turn (the planner's state knows nothing of it). */
function carried(state: DirectorState): Partial<DirectorState> {
  return {
    ...(state.backchannels ? { backchannels: state.backchannels } : {}),
    ...(state.continuations ? { continuations: state.continuations } : {}),
    ...(state.holds ? { holds: state.holds } : {}),
    ...(state.interruptions ? { interruptions: state.interruptions } : {}),
    ...(state.misunderstandings ? { misunderstandings: state.misunderstandings } : {}),
  };
}

/** The misunderstandings with the read-back this role (who said the figure) is correcting at `turn` marked so. */
function corrected(misunderstandings: Misunderstanding[], role: Role, turn: number): Misunderstanding[] {
  return misunderstandings.map((m) =>
    m.role === role && m.readBackTurn !== null && m.readBackTurn < turn && m.correctionTurn === null
      ? { ...m, correctionTurn: turn }
      : m,
  );
}

/** PII located in the words spoken, each span checked to cover exactly its value. */
export function spokenPii(
  text: string,
  context: CallContext,
  turn: number,
  names: readonly string[],
): PiiSpan[] {
  return findPii(text, context.customer, turn, names).filter((s) => text.slice(s.start, s.end) === s.value);
}

function withTurn(
  state: DirectorState,
  context: CallContext,
  spoken: SpokenTurn,
  mood: string | null,
): DirectorState {
  const turns = [...state.turns.filter((t) => t.turn !== spoken.turn), spoken].sort(
    (a, b) => a.turn - b.turn,
  );
  const pii = [
    ...state.truth.pii.filter((s) => s.turn !== spoken.turn),
    ...spokenPii(spoken.text, context, spoken.turn, spoken.names),
  ].sort((a, b) => a.turn - b.turn || a.start - b.start);
  const demeanorTrajectory =
    spoken.role === 'customer' && mood !== null
      ? [
          ...state.truth.demeanorTrajectory.filter((p) => p.turn !== spoken.turn),
          { turn: spoken.turn, demeanor: mood },
        ].sort((a, b) => a.turn - b.turn)
      : state.truth.demeanorTrajectory;
  const truth: GroundTruth = { ...state.truth, pii, demeanorTrajectory };
  return { ...state, turns, truth };
}

/**
 * Records the line actually spoken for a move: its PII is located in these words (a planned disclosure the words left
 * out is not labelled), and the turn is marked with who realized it.
 */
export function recordSpoken(
  state: DirectorState,
  context: CallContext,
  move: Move,
  text: string,
  realizedBy: RealizedBy,
): DirectorState {
  const holds = (state.holds ?? []).filter((h) => h.turn !== move.turn);
  // A cut-in planned with a line that was not said (the engine's closing line replaced it) is no plan any more.
  const { cutIn, ...uncut } = state;
  const planned = cutIn?.turn === move.turn + 1 && !move.cutInAfterSec ? uncut : state;
  // The agent's wait for a caller who went quiet is a silence, not a hold.
  if (move.pauseSec && move.kind !== 'still_there') holds.push({ turn: move.turn, seconds: move.pauseSec });
  return withTurn(
    { ...planned, ...(holds.length > 0 || state.holds ? { holds } : {}) },
    context,
    {
      turn: move.turn,
      role: move.role,
      move: move.kind,
      realizedBy,
      text,
      plannedPii: [...new Set(move.plannedPii.map((p) => p.type))],
      names: move.names,
    },
    move.mood,
  );
}

/**
 * A turn whose words were replaced after the fact (the gateway spoke its own fallback): the labels follow the words
 * that were heard, not the ones the engine had produced.
 */
export function recordRespoken(
  state: DirectorState,
  context: CallContext,
  role: Role,
  turn: number,
  text: string,
): DirectorState {
  const previous = state.turns.find((t) => t.turn === turn);
  const mood = state.truth.demeanorTrajectory.find((p) => p.turn === turn)?.demeanor ?? null;
  // The gateway's fallback line was said at once: no hold came before it, and it carries no cut-in.
  const holds = state.holds?.filter((h) => h.turn !== turn);
  const { cutIn, ...rest } = state;
  const kept = cutIn && cutIn.turn === turn + 1 ? rest : state;
  return withTurn(
    { ...kept, ...(holds ? { holds } : {}) },
    context,
    {
      turn,
      role,
      move: previous?.move ?? (role === 'agent' ? 'step' : 'answer'),
      realizedBy: 'fallback',
      text,
      plannedPii: previous?.plannedPii ?? [],
      names: previous?.names ?? [],
    },
    mood,
  );
}
