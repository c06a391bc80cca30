import { BARGE_IN_STOP_SEC, spokenBefore } from '@synthcall/speech-timing';
import type { JsonValue, NaturalEnd } from '../llm-provider.js';
import { repeatsWithinLine } from '../quality-gate.js';
import { chance, seededRandom } from '../random.js';
import {
  findPii,
  type GroundTruth,
  identifierFor,
  issueAsSaid,
  issueClauses,
  type PiiSpan,
  parseScriptedState,
  type ScriptedState,
  scriptedLine,
} from '../scripted/planner.js';
import { lowerStart } from '../scripted/template.js';
import type { CallContext, ChatMessage, Role } from '../types.js';
import {
  askAgain,
  backToQuestion,
  DEFLECT_CALL_CHANCE,
  type DeviationKind,
  giveOtherRoute,
  offQuestion,
  otherRoute,
  ownCorrection,
  queryFigure,
  REFUSE_CHANCE,
  refusal,
  SLIP_CALL_CHANCE,
  SLIP_IN_TURN_CHANCE,
  SLIP_LINE_CHANCE,
  selfCorrection,
  slipIn,
} from './deviation.js';
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
  /**
   * A figure or id misheard and read back by `by`: the other side's next turn corrects it (repair.ts). `own`: the
   * figure was the speaker's own slip (deviation.ts), which it owns up to.
   */
  repair?: { by: Role; value: string; own?: boolean };
  /** Holds the caller was put on: the agent's line at `turn` was said after `seconds` of hold (hold.ts). */
  holds?: Array<{ turn: number; seconds: number }>;
  /** `by` said (Move.cutInAfterSec) it cuts into the line at `turn` after `afterSec` seconds of it. */
  cutIn?: { turn: number; by: Role; afterSec: number };
  /** Lines cut off by the other side: `said` is what was said of the line at `turn` (its text in `turns`). */
  interruptions?: Interruption[];
  /** Figures the listener heard differently from what was said, noticed (read back, then corrected) or not. */
  misunderstandings?: Misunderstanding[];
  /** The agent's misstated figures and the caller's off-question answers and refusals (deviation.ts). */
  deviations?: Deviation[];
  /** The agent said `wrong` for `right` at `turn`, uncorrected: the caller queries it in the next turn. */
  slip?: { turn: number; wrong: string; right: string };
  /**
   * The caller answered something else or declined at `turn`, when asked for `what`: the agent asks again or offers
   * another way at `turn + 1`, and the caller answers at `turn + 2`.
   */
  deflect?: { turn: number; kind: 'off_question' | 'refusal'; what: string };
}

/**
 * A departure from the plan at `turn` (said by `role`): `words` are the words of that turn that make it (the wrong
 * figure and its correction, the off-question answer, the refusal); `wrong`/`right` the figures of a self-correction
 * (null otherwise); `repairTurn` the turn that put it right (the same turn for a correction in one breath; the agent's
 * correction after the caller queried the figure; the caller's answer after the agent asked again or offered another
 * way), null when nothing did.
 */
export interface Deviation {
  turn: number;
  role: Role;
  kind: DeviationKind;
  words: string;
  wrong: string | null;
  right: string | null;
  repaired: boolean;
  repairTurn: number | null;
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
    state.slip ||
    state.deflect ||
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
  // A repair is over once the role that read back speaks again; a slip not queried in the turn after it, or a
  // deflection past its answer, is over too.
  const current: DirectorState = withoutStale(open && open.by === role ? closed : parsed, turn);
  const pending = current.pending;
  const repair = current.repair;
  // The caller queries the agent's misstated figure in the turn after it (deviation.ts).
  const slip = current.slip?.turn === turn - 1 && role === 'customer' && !repair ? current.slip : undefined;
  // The director's own line answers a caller's off-question answer or refusal, and the caller's answer to it.
  const deflect = current.deflect && turn - current.deflect.turn <= 2 ? current.deflect : undefined;
  const misheard =
    !pending && !repair && roomToSplit(turn, current.backchannels?.length ?? 0, context.maxTurns)
      ? misheardFigure(history, current.turns, turn)
      : null;
  // A caller querying a slip reads back the figure as heard (then the misheard figure is the slip's, and noticed);
  // while a deflection is being answered, the director's own lines come first and a misheard figure goes by.
  const slipHeard = slip && misheard && slip.wrong.includes(misheard.said) ? misheard : null;
  const noticed =
    misheard !== null &&
    (slip
      ? slipHeard !== null
      : deflect
        ? false
        : chance(seededRandom(`${context.seed}:notice:${turn}`), NOTICE_CHANCE));
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
    // The other side read back a figure it misheard: this role corrects it, going on with its own line. A figure
    // that was its own slip it owns up to.
    const random = seededRandom(`${context.seed}:repair:${turn}`);
    const line = repair.own ? ownCorrection(repair.value, random) : correction(repair.value, random);
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
        ...(repair.own && before.deviations
          ? { deviations: repairedAt(before.deviations, turn - 2, turn) }
          : {}),
      },
    };
  }
  if (slip) {
    // The agent said a figure wrong and the caller queries it (as heard): the agent's next turn owns up to it.
    const heardWrong = slipHeard ? slip.wrong.replace(slipHeard.said, slipHeard.heard) : slip.wrong;
    const line = queryFigure(heardWrong, seededRandom(`${context.seed}:slip-query:${turn}`));
    const { slip: _queried, ...rest } = before;
    return {
      move: {
        role,
        turn,
        kind: 'read_back',
        line,
        mood: before.customer?.mood ?? context.scenario.demeanor,
        names: [],
        plannedPii: [],
      },
      state: {
        ...rest,
        repair: { by: role, value: slip.right, own: true },
        backchannels: [...(before.backchannels ?? []), turn],
      },
    };
  }
  if (deflect) {
    const answered = answerDeflection(context, before, deflect, role, turn, history);
    if (answered) return answered;
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
  const stalls =
    !pending &&
    !repair &&
    room &&
    askedForId(role, turn, before.turns) &&
    chance(seededRandom(`${context.seed}:stall:${turn}`), STALL_CHANCE);
  if (
    !stalls &&
    !pending &&
    !repair &&
    room &&
    before.cutIn?.turn !== turn &&
    before.turns.find((t) => t.turn === turn - 1)?.move === 'verify' &&
    role === 'customer' &&
    !(before.deviations ?? []).some((d) => d.kind !== 'self_correction') &&
    chance(seededRandom(`${context.seed}:deflect-call`), DEFLECT_CALL_CHANCE)
  )
    return deflectQuestion(context, before, turn);
  if (stalls) {
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
  const heard = plannerHistory(
    understood(history, before.deviations ?? []),
    before.backchannels ?? [],
    before.continuations ?? [],
  );
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
    return maybeSlip(context, { move: { ...said.move, pauseSec }, state: said.state }, turn);
  }
  return maybeSlip(
    context,
    sayInParts(context, { ...line.state, turns: before.turns, ...carried(before) }, role, turn, {
      kind: line.move,
      text: line.text,
      ...(line.end ? { end: line.end } : {}),
      mood: line.mood,
      names: line.names,
    }),
    turn,
  );
}

/**
 * The agent misstates a figure of the line it is about to say (in some calls, once): it corrects itself in the same
 * breath, or says it wrong and the caller queries it next turn (in place of an acknowledgement when the line is
 * said in parts; never on a line cut into or ending the call).
 */
function maybeSlip(
  context: CallContext,
  decided: { move: Move; state: DirectorState },
  turn: number,
): { move: Move; state: DirectorState } {
  const { move, state } = decided;
  if (
    move.role !== 'agent' ||
    move.kind === 'greet' ||
    state.cutIn?.turn === turn ||
    (state.deviations ?? []).some((d) => d.kind === 'self_correction') ||
    !chance(seededRandom(`${context.seed}:slip-call`), SLIP_CALL_CHANCE) ||
    !chance(seededRandom(`${context.seed}:slip-line:${turn}`), SLIP_LINE_CHANCE)
  )
    return decided;
  const random = seededRandom(`${context.seed}:slip:${turn}`);
  const slip = slipIn(move.line, findPii(move.line, context.customer, turn, move.names), random);
  if (!slip) return decided;
  const queried =
    !move.end &&
    roomToSplit(turn, state.backchannels?.length ?? 0, context.maxTurns) &&
    !chance(random, SLIP_IN_TURN_CHANCE);
  const words = queried ? slip.wrong : selfCorrection(slip, random);
  const line = `${move.line.slice(0, slip.start)}${words}${move.line.slice(slip.end)}`;
  // A figure said a third time in one line ("8:42 am, sorry, 7:42 am ... since 8:42 am") reads to the quality gate as
  // a model looping, and the call would end on it: no slip on such a line.
  if (repeatsWithinLine(line) !== null) return decided;
  const deviation: Deviation = {
    turn,
    role: 'agent',
    kind: 'self_correction',
    words,
    wrong: slip.wrong,
    right: slip.right,
    repaired: !queried,
    repairTurn: queried ? null : turn,
  };
  return {
    move: { ...move, line, plannedPii: plannedPiiOf(line, context, turn, move.names) },
    state: {
      ...state,
      deviations: [...(state.deviations ?? []), deviation],
      ...(queried ? { slip: { turn, wrong: slip.wrong, right: slip.right } } : {}),
    },
  };
}

/** What the agent asked for in its verification line (`identifierFor`'s choice, as the agent would name it). */
function askedFor(context: CallContext, asked: string): string {
  const id = identifierFor(asked, context.customer);
  if (!id) return 'the phone number on the account';
  if (id.kind === 'card_last4') return 'the last four digits of your card';
  return `your ${id.kind.replaceAll('_', ' ')}`;
}

/** The caller, asked to verify, answers something else (a clause of the issue) or declines. */
function deflectQuestion(
  context: CallContext,
  state: DirectorState,
  turn: number,
): { move: Move; state: DirectorState } {
  const random = seededRandom(`${context.seed}:deflect:${turn}`);
  const refuses = chance(random, REFUSE_CHANCE);
  const clause = issueClauses(issueAsSaid(context))[0];
  const kind = refuses || !clause ? 'refusal' : 'off_question';
  const line = kind === 'refusal' ? refusal(random) : offQuestion(lowerStart(clause as string), random);
  const asked = state.turns.find((t) => t.turn === turn - 1)?.text ?? '';
  const mood = state.customer?.mood ?? context.scenario.demeanor;
  return {
    move: {
      role: 'customer',
      turn,
      kind,
      line,
      mood,
      names: [],
      plannedPii: plannedPiiOf(line, context, turn, []),
    },
    state: {
      ...state,
      deflect: { turn, kind, what: askedFor(context, asked) },
      backchannels: [...(state.backchannels ?? []), turn],
      deviations: [
        ...(state.deviations ?? []),
        {
          turn,
          role: 'customer',
          kind,
          words: line,
          wrong: null,
          right: null,
          repaired: false,
          repairTurn: null,
        },
      ],
    },
  };
}

/**
 * The turns after a caller's off-question answer or refusal: the agent asks again or offers another way, then the
 * caller answers: after a refusal with what the other way asks for, after an off-question answer with the planner's
 * answer to the question asked again. Null when this turn is neither.
 */
function answerDeflection(
  context: CallContext,
  state: DirectorState,
  deflect: NonNullable<DirectorState['deflect']>,
  role: Role,
  turn: number,
  history: readonly ChatMessage[],
): { move: Move; state: DirectorState } | null {
  const step = turn - deflect.turn;
  const random = seededRandom(`${context.seed}:deflect-answer:${turn}`);
  if (step === 1 && role === 'agent') {
    const line = deflect.kind === 'refusal' ? otherRoute(random) : askAgain(deflect.what, random);
    return {
      move: {
        role,
        turn,
        kind: deflect.kind === 'refusal' ? 'other_route' : 'ask_again',
        line,
        mood: null,
        names: [],
        plannedPii: [],
      },
      // The other route is the director's alone (the caller's answer to it too); a question asked again goes on with
      // the verification line it repeats, so the caller's planner answers the question as last heard, which a
      // recogniser may have garbled the first time.
      state:
        deflect.kind === 'refusal'
          ? { ...state, backchannels: [...(state.backchannels ?? []), turn] }
          : { ...state, continuations: [...(state.continuations ?? []), turn] },
    };
  }
  if (step !== 2 || role !== 'customer') return null;
  const { deflect: _answered, ...rest } = state;
  const mood = state.customer?.mood ?? context.scenario.demeanor;
  if (deflect.kind === 'refusal') {
    const line = giveOtherRoute(context.customer.phone.slice(-4), random);
    return {
      move: {
        role,
        turn,
        kind: 'give_identity',
        line,
        mood,
        names: [],
        plannedPii: plannedPiiOf(line, context, turn, []),
      },
      state: { ...rest, deviations: repairedAt(rest.deviations ?? [], deflect.turn, turn) },
    };
  }
  // Brought back to the question: the caller answers it (the planner's line; its own off-question answer left out of
  // what it heard, the question asked again joined to the first asking).
  const heard = plannerHistory(
    understood(history, rest.deviations ?? []),
    rest.backchannels ?? [],
    rest.continuations ?? [],
  );
  const line = scriptedLine(context, role, turn, heard, rest as unknown as JsonValue);
  const said = sayInParts(context, { ...line.state, turns: rest.turns, ...carried(rest) }, role, turn, {
    kind: line.move,
    text: `${backToQuestion(random)} ${line.text}`,
    ...(line.end ? { end: line.end } : {}),
    mood: line.mood,
    names: line.names,
  });
  return line.move === 'give_identity'
    ? {
        move: said.move,
        state: { ...said.state, deviations: repairedAt(said.state.deviations ?? [], deflect.turn, turn) },
      }
    : said;
}

function withoutStale(state: DirectorState, turn: number): DirectorState {
  const { slip, deflect, ...rest } = state;
  return {
    ...rest,
    ...(slip && slip.turn >= turn - 1 ? { slip } : {}),
    ...(deflect && turn - deflect.turn <= 2 ? { deflect } : {}),
  };
}

/** The deviations with the one at `turn` marked put right at `repairTurn`. */
function repairedAt(deviations: Deviation[], turn: number, repairTurn: number): Deviation[] {
  return deviations.map((d) => (d.turn === turn && !d.repaired ? { ...d, repaired: true, repairTurn } : d));
}

/**
 * The history as the listener took it in once a slip was put right: the misstated figure (and the words correcting
 * it in the same breath) give way to the right one, so a caller reading a figure back says the right one. Only where
 * the recogniser's text holds the words as said; otherwise the heard line is left as it was.
 */
function understood(history: readonly ChatMessage[], deviations: readonly Deviation[]): ChatMessage[] {
  const slips = deviations.filter((d) => d.kind === 'self_correction' && d.repaired && d.wrong && d.right);
  if (slips.length === 0) return [...history];
  return history.map((m) => {
    const d = slips.find((x) => x.turn === m.turn);
    if (!d) return m;
    return { ...m, content: m.content.replace(d.words, d.right as string) };
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
    ...(state.deviations ? { deviations: state.deviations } : {}),
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
