import { spokenWords, wordErrorRate, wordErrors, wordTokens } from '@synthcall/personas';
import type {
  CallLifecycle,
  CallPlanned,
  EndReason,
  GroundTruthRecorded,
  Outcome,
  RealizedBy,
  RecordingCompleted,
  ReplyReady,
  Role,
  Scenario,
  TranscriptAnalyzed,
  UtteranceHeard,
} from '@synthcall/schemas';

/** One line of calls.jsonl (ARCHITECTURE.md, dataset layout). */
export interface CallRecord {
  callId: string;
  requestId: string;
  customerId: string;
  agentId: string;
  scenario: Scenario;
  strategy: string;
  pairingScore: number;
  expectedOutcome: Outcome;
  /** What happened, from the end reason; null while the call has not ended. */
  outcome: Outcome | null;
  endReason: EndReason | null;
  endedBy: Role | null;
  turnCount: number;
  startedAt: string | null;
  durationSec: number | null;
  fallbackTurns: number;
  synthetic: true;
}

export interface TranscriptTurn {
  turn: number;
  role: Role;
  /** What the role said (the line sent to <Say>). */
  said: string;
  /** What the other leg's recogniser heard; null when nobody listened (e.g. the farewell before the hangup). */
  heard: string | null;
  startSec: number | null;
  endSec: number | null;
  confidence: number | null;
  fallback: boolean;
  /**
   * Who put the spoken line into words: `fallback` for a gateway fallback line, else the ground truth's `realizedBy`
   * when it recorded these very words; null when unknown (no ground truth, or it recorded other words for the turn).
   */
  realizedBy: RealizedBy | null;
  /** The director's move for the turn, from the ground truth; null without one. */
  move: string | null;
}

export interface Transcript {
  callId: string;
  synthetic: true;
  turns: TranscriptTurn[];
}

export interface SpokenPii {
  type: string;
  value: string;
  turn: number;
  start: number;
  end: number;
}

/** A hold the caller was put on, in call time: it ends when the agent's line at `turn` starts. */
export interface HoldLabel {
  turn: number;
  seconds: number;
  /** Seconds from the start of the call; null when the turn's timing is unknown. */
  startSec: number | null;
  endSec: number | null;
}

export interface DemeanorPoint {
  turn: number;
  demeanor: string;
}

/** Turns of a call by who put them into words (transcript `realizedBy`); turns of unknown origin are in none. */
export interface RealizedByCounts {
  model: number;
  template: number;
  fallback: number;
}

/** The recogniser's word error rate on one turn: what the role said against what the other leg's recogniser wrote. */
export interface TurnWer {
  turn: number;
  role: Role;
  /** Words said, figures in words (personas' `spokenWords`). */
  words: number;
  /** Substitutions, deletions and insertions of the word alignment (personas' `wordErrors`). */
  errors: number;
  /** errors / words; null for a turn of no words. */
  wer: number | null;
}

/** The recogniser's word error rate per role (errors over words of all the role's recognised turns) and per turn. */
export interface RecogniserWer {
  agent: number | null;
  customer: number | null;
  /** Every turn the other leg's recogniser heard (a turn nobody listened to, such as the farewell, is not in it). */
  turns: TurnWer[];
}

export interface Labels {
  callId: string;
  synthetic: true;
  scenario: Scenario;
  intendedOutcome: Outcome;
  demeanor: string;
  demeanorTrajectory: DemeanorPoint[];
  spokenPii: SpokenPii[];
  /** Every hold of the call (the ground truth's, kept where the line after it was said after the hold). */
  holds: HoldLabel[];
  endReason: EndReason | null;
  endedBy: Role | null;
  /**
   * Where the ground truth came from: the engine's GroundTruthRecorded (`provider`), or only the plan (`plan`: none
   * arrived in time, or the call failed to start).
   */
  source: 'provider' | 'plan';
  /** The dialogue provider and model that realized the lines (GroundTruthRecorded); null with `source: 'plan'`. */
  provider: string | null;
  model: string | null;
  /** The GroundTruthRecorded version the labels come from; null with `source: 'plan'`. */
  groundTruthVersion: number | null;
  turnsRealizedBy: RealizedByCounts;
  /**
   * PII spans of the ground truth that are not in the words the dataset records as spoken (text[start, end) of the
   * turn differs from value, or the turn was not spoken): left out of spokenPii.
   */
  droppedPii: SpokenPii[];
  /** The recogniser's word error rate, computed from the transcript's said and heard by the report's definition. */
  recogniserWer: RecogniserWer /** Lines cut off by the other side talking over them (the transcript's `said` of the turn is what was said). */;
  interruptions: InterruptionLabel[];
  /**
   * Figures the listener heard differently from what was said (the ground truth's): noticed ones with the turns of the
   * read-back and of the correction, unnoticed ones with null there.
   */
  misunderstandings: MisunderstandingLabel[];
  /**
   * The agent's misstated figures and the caller's off-question answers and refusals (the ground truth's), each where
   * its words were said in its turn, with their offsets in the transcript's `said`.
   */
  deviations: DeviationLabel[];
}

/**
 * A departure at `turn`, said by `role`: `words` are said at [start, end) of the turn's `said`. `repairTurn` is the
 * turn that put it right (a spoken line, not a fallback), null when none did.
 */
export interface DeviationLabel {
  turn: number;
  role: Role;
  kind: 'self_correction' | 'off_question' | 'refusal';
  words: string;
  start: number;
  end: number;
  wrong: string | null;
  right: string | null;
  repaired: boolean;
  repairTurn: number | null;
}

/** A figure of the line at `turn`, said by `role`, that the other side heard as `heard`. */
export interface MisunderstandingLabel {
  turn: number;
  role: Role;
  said: string;
  heard: string;
  noticed: boolean;
  readBackTurn: number | null;
  correctionTurn: number | null;
}

/** A line cut off: the other side started talking `afterSec` into it, and it stopped at the end of a word. */
export interface InterruptionLabel {
  turn: number;
  /** Who was cut off. */
  role: Role;
  /** Who cut in (its next turn is the one said over the line). */
  by: Role;
  afterSec: number;
  /** What was said of the line (the transcript's `said`), and the words of it that were not said. */
  said: string;
  cut: string;
  /** When the other side started talking over the line, and when the line stopped (call time; null if unknown). */
  overlapStartSec: number | null;
  cutAtSec: number | null;
}

export interface IntelligenceRecord {
  callId: string;
  synthetic: true;
  transcriptSid: string;
  serviceSid: string;
  recordingSid: string | null;
  channelRoles: Array<{ channel: number; role: Role }>;
  sentences: TranscriptAnalyzed['sentences'];
  operatorResults: Array<Omit<TranscriptAnalyzed['operatorResults'][number], 'rawJson'> & { raw: unknown }>;
}

/** Where a turn sits in the recording, seconds from its start. */
export interface TurnTiming {
  startSec: number;
  endSec: number;
}

/**
 * When each spoken turn was said, from the recording's Voice Intelligence sentences, for a transcript without timings
 * of its own. The recogniser hears the recording on its own (in twilio-sim with its own noise, on Twilio with its own
 * model), so a turn can have several sentences, one (a short turn run together) or none (a turn it heard as nothing),
 * and neighbouring turns of one role can look like one run. So the sentences are aligned, in order, to the turns:
 * each sentence goes to a turn of its role, never to one before the previous sentence's, choosing the alignment whose
 * sentences share the most words with their turns' lines (`alignSentences`). A turn's time spans its sentences; a
 * turn with none gets none (`undefined` at its index) rather than a neighbour's. Sentences of no known role are left
 * out. Every transcript's times (and so the hold labels) come from here unless `setTiming` gave a turn its own.
 */
export function turnTimes(
  turns: ReadonlyArray<{ role: string; text: string }>,
  sentences: ReadonlyArray<{ role: string | null; startSec: number; endSec: number; text: string }>,
): Array<TurnTiming | undefined> {
  const known = sentences.filter((s) => s.role !== null).sort((a, b) => a.startSec - b.startSec);
  const times: Array<TurnTiming | undefined> = turns.map(() => undefined);
  for (const [i, turn] of alignSentences(turns, known).entries()) {
    if (turn === undefined) continue;
    const s = known[i] as (typeof known)[number];
    const t = times[turn];
    times[turn] = t
      ? { startSec: Math.min(t.startSec, s.startSec), endSec: Math.max(t.endSec, s.endSec) }
      : { startSec: s.startSec, endSec: s.endSec };
  }
  return times;
}

/** What aligning a sentence to a turn of its role is worth beyond the words they share: it breaks no tie on words. */
const ROLE_MATCH = 0.01;

/**
 * The turn index of each sentence (or `undefined`: left out), in a monotone alignment that maximises the words each
 * sentence shares with its turn's line, plus a little for every sentence placed (so a sentence the recogniser garbled
 * still joins a turn of its role between its neighbours). Dynamic programming over (sentence, turn), O(n·m).
 */
function alignSentences(
  turns: ReadonlyArray<{ role: string; text: string }>,
  sentences: ReadonlyArray<{ role: string | null; text: string }>,
): Array<number | undefined> {
  const n = sentences.length;
  const m = turns.length;
  // A recogniser writes figures in words: a turn's figures are weighed in the words its sentences hold.
  const turnWords = turns.map((t) => new Set(spokenWords(t.text)));
  // Each sentence tokenized once, not once per turn it is weighed against.
  const sentenceWords = sentences.map((s) => wordTokens(s.text));
  const gain = (i: number, j: number): number => {
    const s = sentences[i] as (typeof sentences)[number];
    const t = turns[j] as (typeof turns)[number];
    if (s.role !== t.role) return Number.NEGATIVE_INFINITY;
    const words = turnWords[j] as Set<string>;
    return (sentenceWords[i] as string[]).filter((w) => words.has(w)).length + ROLE_MATCH;
  };
  // best[i][j]: the best score of the first i sentences aligned to turns below j.
  const best = Array.from({ length: n + 1 }, () => new Float64Array(m + 1));
  const gains = Array.from({ length: n }, (_, i) => Array.from({ length: m }, (_, j) => gain(i, j)));
  for (let i = 1; i <= n; i++) {
    const row = best[i] as Float64Array;
    const above = best[i - 1] as Float64Array;
    for (let j = 1; j <= m; j++) {
      const placed = (above[j] as number) + Math.max(0, (gains[i - 1] as number[])[j - 1] as number);
      row[j] = Math.max(row[j - 1] as number, placed);
    }
  }
  const aligned: Array<number | undefined> = new Array(n).fill(undefined);
  let j = m;
  for (let i = n; i > 0; ) {
    const g = (gains[i - 1] as number[])[j - 1];
    const here = (best[i] as Float64Array)[j] as number;
    if (j > 0 && g !== undefined && g > 0 && here === ((best[i - 1] as Float64Array)[j] as number) + g) {
      aligned[i - 1] = j - 1;
      i--;
    } else if (j > 0 && here === (best[i] as Float64Array)[j - 1]) {
      j--;
    } else {
      i--;
    }
  }
  return aligned;
}

/** The outcome a call reached, from why it ended. */
export function outcomeOf(endReason: EndReason | null): Outcome | null {
  switch (endReason) {
    case null:
      return null;
    case 'resolved':
      return 'resolved';
    case 'escalated':
      return 'escalated';
    case 'customer_abandoned':
      return 'abandoned';
    default:
      return 'unresolved';
  }
}

/** Calls whose events wait for a plan at most; beyond it the oldest waiting call's events are dropped. */
export const MAX_ORPHAN_CALLS = 10_000;
/** Dropped call ids remembered to ignore their redeliveries (a replay window's worth of calls is far fewer). */
export const MAX_FORGOTTEN = 100_000;

interface CallData {
  planned: CallPlanned;
  /**
   * The line spoken per turn: the gateway's record of the line it gave the leg (`onReply`'s `spoken`).
   */
  said: Map<number, ReplyReady>;
  heard: Map<number, UtteranceHeard>;
  timing: Map<number, { startSec: number; endSec: number }>;
  startedAt: Date | null;
  endedAt: Date | null;
  endReason: EndReason | null;
  endedBy: Role | null;
  failed: boolean;
  /** The highest version of the call's ground truth seen. */
  truth: GroundTruthRecorded | null;
  /** The ground truth version the written labels came from (0: the plan only); null until they are written. */
  labelledVersion: number | null;
  recording: RecordingCompleted | null;
  intelligence: TranscriptAnalyzed | null;
  /** When this process last saw an event of the call (ms), for dropping calls that never finish here. */
  lastEventAt: number;
}

interface WaitingCall {
  /** When this process last saw an event of the call (ms), for dropping calls whose plan never comes. */
  lastEventAt: number;
  apply: Array<(c: CallData) => void>;
}

/**
 * Builds the dataset of a run from the call-loop events, in whatever order they arrive: pure, no I/O. Duplicate
 * deliveries are harmless (keyed by callId and turn; a turn's line is the gateway's record of the line it spoke).
 */
export class DatasetBuilder {
  private readonly calls = new Map<string, CallData>();
  /** Events that came before their call's plan, per call; bounded (see MAX_ORPHAN_CALLS) and dropped by `abandoned`. */
  private readonly orphans = new Map<string, WaitingCall>();
  /** Calls written and dropped from memory: their late or redelivered events are ignored. */
  private readonly forgotten = new Set<string>();

  constructor(
    /** Stamps each call's last event (ms), for `abandoned`. */
    private readonly now: () => number = () => Date.now(),
  ) {}

  private call(callId: string): CallData | undefined {
    return this.calls.get(callId);
  }

  /** Calls held in memory now. */
  get size(): number {
    return this.calls.size;
  }

  /** Calls whose events wait for their plan. */
  get waitingCalls(): number {
    return this.orphans.size;
  }

  /**
   * Calls without an event since before `before` (ms) that never finished here: planned calls whose other events went
   * to another replica (a rebalance) or whose end never came, and calls whose events wait for a plan that never came
   * here. A long-running consumer drops them with `forget`.
   */
  abandoned(before: number): string[] {
    const out: string[] = [];
    for (const [callId, c] of this.calls) {
      if (c.lastEventAt < before && !c.failed && c.endReason === null) out.push(callId);
    }
    for (const [callId, w] of this.orphans) if (w.lastEventAt < before) out.push(callId);
    return out;
  }

  /** Whether the call's plan has been seen and the call is still held. */
  has(callId: string): boolean {
    return this.calls.has(callId);
  }

  /**
   * Drops a call that has been written: a long-running sink would otherwise keep every call it ever saw. Its later
   * events (a redelivery, a replay) are ignored from now on.
   */
  forget(callId: string): void {
    this.calls.delete(callId);
    this.orphans.delete(callId);
    this.forgotten.add(callId);
    // Only ever consulted for redeliveries of recent calls: the oldest entries go beyond MAX_FORGOTTEN.
    if (this.forgotten.size > MAX_FORGOTTEN) {
      const oldest = this.forgotten.values().next().value;
      if (oldest !== undefined) this.forgotten.delete(oldest);
    }
  }

  /** `seenAt`: when this process received the plan (ms; the builder's clock by default). */
  onPlanned(e: CallPlanned, seenAt: number = this.now()): void {
    if (this.calls.has(e.callId) || this.forgotten.has(e.callId)) return;
    const data: CallData = {
      planned: e,
      said: new Map(),
      heard: new Map(),
      timing: new Map(),
      startedAt: null,
      endedAt: null,
      endReason: null,
      endedBy: null,
      failed: false,
      truth: null,
      labelledVersion: null,
      recording: null,
      intelligence: null,
      lastEventAt: seenAt,
    };
    this.calls.set(e.callId, data);
    // Events of this call that arrived before its plan (other topics, other partitions) are applied now.
    const pending = this.orphans.get(e.callId)?.apply ?? [];
    this.orphans.delete(e.callId);
    for (const apply of pending) apply(data);
  }

  private withCall(callId: string, apply: (c: CallData) => void): void {
    const c = this.call(callId);
    if (c) {
      c.lastEventAt = this.now();
      apply(c);
      return;
    }
    if (this.forgotten.has(callId)) return;
    let waiting = this.orphans.get(callId);
    if (!waiting) {
      // A plan that never comes (published before the topics' retention or replay window) must not grow memory
      // forever: the oldest waiting call is dropped.
      if (this.orphans.size >= MAX_ORPHAN_CALLS) {
        const oldest = this.orphans.keys().next().value;
        if (oldest !== undefined) this.orphans.delete(oldest);
      }
      waiting = { lastEventAt: 0, apply: [] };
      this.orphans.set(callId, waiting);
    }
    waiting.lastEventAt = this.now();
    waiting.apply.push(apply);
  }

  /**
   * `spoken`: the record carries SPOKEN_HEADER, the gateway's word that it gave this line to the leg. Only such
   * records are lines of the transcript: a line the engine produced is not spoken until a gateway answered a webhook
   * with it (a gateway that crashed while holding the webhook, or a call Twilio had already ended, never speaks it),
   * and the topic's first reply for a turn need not be the one spoken (after a broker restart).
   */
  onReply(e: ReplyReady, spoken = false): void {
    this.withCall(e.callId, (c) => {
      if (spoken) c.said.set(e.turn, e);
    });
  }

  onHeard(e: UtteranceHeard): void {
    this.withCall(e.callId, (c) => {
      if (!c.heard.has(e.turn)) c.heard.set(e.turn, e);
    });
  }

  onLifecycle(e: CallLifecycle): void {
    this.withCall(e.callId, (c) => {
      if (e.type === 'conference_started' && !c.startedAt) c.startedAt = e.occurredAt;
      if (e.type === 'conference_ended') c.endedAt = e.occurredAt;
      if (e.type === 'call_failed') c.failed = true;
      if (e.type === 'call_ended' && c.endReason === null) {
        c.endReason = e.endReason;
        c.endedBy = e.endedBy;
      }
    });
  }

  /** The engine re-records a call when what was spoken changed: the highest version wins, in any arrival order. */
  onGroundTruth(e: GroundTruthRecorded): void {
    this.withCall(e.callId, (c) => {
      if (c.truth === null || e.version > c.truth.version) c.truth = e;
    });
  }

  /** The version of the call's ground truth held, or null when none arrived (or the call is not held). */
  groundTruthVersion(callId: string): number | null {
    return this.call(callId)?.truth?.version ?? null;
  }

  /** Remembers that the call's labels were written, and from which ground truth version (0: the plan only). */
  markLabelled(callId: string): void {
    const c = this.call(callId);
    if (c) c.labelledVersion = c.truth?.version ?? 0;
  }

  /** The ground truth version the call's written labels came from (0: the plan); null when not written here. */
  labelledVersion(callId: string): number | null {
    return this.call(callId)?.labelledVersion ?? null;
  }

  /** Calls that ended (not failed to start) and have no ground truth yet: what a whole-run writer waits for. */
  withoutGroundTruth(): string[] {
    return [...this.calls]
      .filter(([, c]) => c.endReason !== null && !c.failed && c.truth === null)
      .map(([callId]) => callId);
  }

  /** Whether the call failed to start (call_failed): it has no conversation, so no ground truth to wait for. */
  hasFailed(callId: string): boolean {
    return this.call(callId)?.failed ?? false;
  }

  onRecording(e: RecordingCompleted): void {
    this.withCall(e.callId, (c) => {
      c.recording ??= e;
    });
  }

  onTranscript(e: TranscriptAnalyzed): void {
    this.withCall(e.callId, (c) => {
      c.intelligence ??= e;
    });
  }

  /** The call's completed recording (SID, URL, channel roles), if one was reported. */
  recordingOf(callId: string): RecordingCompleted | null {
    return this.call(callId)?.recording ?? null;
  }

  /** True when the call has no recording, or its Voice Intelligence results arrived. */
  hasIntelligenceOrNone(callId: string): boolean {
    const c = this.call(callId);
    return Boolean(c && (c.recording === null || c.intelligence !== null));
  }

  /** The Voice Intelligence results of a call (sentences per channel with roles, operator results), if any. */
  intelligence(callId: string): IntelligenceRecord | null {
    const c = this.mustGet(callId);
    const t = c.intelligence;
    if (!t) return null;
    return {
      callId,
      synthetic: true,
      transcriptSid: t.transcriptSid,
      serviceSid: t.serviceSid,
      recordingSid: t.recordingSid,
      channelRoles: c.recording?.channelRoles ?? [],
      sentences: t.sentences,
      operatorResults: t.operatorResults.map(({ rawJson, ...r }) => ({
        ...r,
        raw: JSON.parse(rawJson) as unknown,
      })),
    };
  }

  /** Speech timing of a turn, seconds from the start of the call (e.g. from twilio-sim's log or a transcript). */
  setTiming(callId: string, turn: number, startSec: number, endSec: number): void {
    this.call(callId)?.timing.set(turn, { startSec, endSec });
  }

  /** A call is finished when its end was decided (call_ended) or it failed to start. */
  isFinished(callId: string): boolean {
    const c = this.call(callId);
    return Boolean(c && (c.failed || c.endReason !== null));
  }

  callIds(): string[] {
    return [...this.calls.keys()].sort();
  }

  record(callId: string): CallRecord {
    const c = this.mustGet(callId);
    const p = c.planned;
    const durationSec =
      c.startedAt && c.endedAt ? Math.max(0, (c.endedAt.getTime() - c.startedAt.getTime()) / 1000) : null;
    return {
      callId,
      requestId: p.requestId,
      customerId: p.customer.id,
      agentId: p.agent.id,
      scenario: p.scenario,
      strategy: p.strategy,
      pairingScore: p.pairingScore,
      expectedOutcome: p.expectedOutcome,
      outcome: c.failed ? null : outcomeOf(c.endReason),
      endReason: c.endReason,
      endedBy: c.endedBy,
      turnCount: c.said.size,
      startedAt: c.startedAt ? c.startedAt.toISOString() : null,
      durationSec,
      fallbackTurns: [...c.said.values()].filter((r) => r.fallback).length,
      synthetic: true,
    };
  }

  transcript(callId: string): Transcript {
    const c = this.mustGet(callId);
    const planned = new Map((c.truth?.turns ?? []).map((t) => [t.turn, t]));
    const said = [...c.said.values()].sort((a, b) => a.turn - b.turn);
    const recorded = turnTimes(said, c.intelligence?.sentences ?? []);
    const turns = said.map((r, i): TranscriptTurn => {
      const heard = c.heard.get(r.turn);
      const timing = c.timing.get(r.turn) ?? recorded[i];
      const truth = planned.get(r.turn);
      const text = spokenText(c, r);
      return {
        turn: r.turn,
        role: r.role,
        said: text,
        heard: heard ? heard.text : null,
        startSec: timing?.startSec ?? null,
        endSec: timing?.endSec ?? null,
        confidence: heard?.confidence ?? null,
        fallback: r.fallback,
        // The reply that was spoken decides: a gateway fallback is one whatever the engine recorded for the turn.
        realizedBy: r.fallback ? 'fallback' : truth?.text === text ? truth.realizedBy : null,
        move: truth?.move ?? null,
      };
    });
    return { callId, synthetic: true, turns };
  }

  /**
   * The call's ground truth, pointed at the words the dataset records as spoken (the transcript: first reply per turn,
   * gateway fallbacks included). A PII span is kept only where that turn's text holds exactly its value at
   * [start, end); the others go to droppedPii. Without a ground truth, only what the plan says.
   */
  labels(callId: string): Labels {
    const c = this.mustGet(callId);
    const p = c.planned;
    const truth = c.truth;
    const spokenPii: SpokenPii[] = [];
    const droppedPii: SpokenPii[] = [];
    for (const s of truth?.pii ?? []) {
      const span = { type: s.type, value: s.value, turn: s.turn, start: s.start, end: s.end };
      const r = c.said.get(s.turn);
      (spokenAt(r && spokenText(c, r), span) ? spokenPii : droppedPii).push(span);
    }
    const turnsRealizedBy: RealizedByCounts = { model: 0, template: 0, fallback: 0 };
    const transcript = this.transcript(callId).turns;
    for (const t of transcript) if (t.realizedBy) turnsRealizedBy[t.realizedBy] += 1;
    // A hold took call time only if the line said at its turn was the one that came after it (not a fallback).
    const holds = (truth?.holds ?? [])
      .filter((h) => c.said.get(h.turn)?.pauseSec === h.seconds)
      .map((h): HoldLabel => {
        const endSec = transcript.find((t) => t.turn === h.turn)?.startSec ?? null;
        const startSec = endSec === null ? null : Math.max(0, Math.round((endSec - h.seconds) * 1000) / 1000);
        return { turn: h.turn, seconds: h.seconds, startSec, endSec };
      });
    return {
      callId,
      synthetic: true,
      scenario: p.scenario,
      intendedOutcome: (truth && outcomeOf(truth.intendedOutcome)) ?? p.expectedOutcome,
      demeanor: truth?.demeanorTrajectory[0]?.demeanor ?? p.scenario.demeanor,
      demeanorTrajectory: truth
        ? truth.demeanorTrajectory.map((d) => ({ turn: d.turn, demeanor: d.demeanor }))
        : [{ turn: 0, demeanor: p.scenario.demeanor }],
      spokenPii,
      holds,
      endReason: c.endReason,
      endedBy: c.endedBy,
      source: truth ? 'provider' : 'plan',
      provider: truth?.provider ?? null,
      model: truth?.model ?? null,
      groundTruthVersion: truth?.version ?? null,
      turnsRealizedBy,
      droppedPii,
      recogniserWer: recogniserWer(transcript),
      // A cut the ground truth records happened only if the line said at its turn was the one cut (not a fallback).
      interruptions: (truth?.interruptions ?? [])
        .filter((x) => {
          const r = c.said.get(x.turn);
          return r !== undefined && spokenText(c, r) === x.said && r.text !== x.said;
        })
        .map(
          (x): InterruptionLabel => ({
            turn: x.turn,
            role: x.role,
            by: x.by,
            afterSec: x.afterSec,
            said: x.said,
            cut: x.cut,
            overlapStartSec: transcript.find((t) => t.turn === x.turn + 1)?.startSec ?? null,
            cutAtSec: transcript.find((t) => t.turn === x.turn)?.endSec ?? null,
          }),
        ),
      // A misheard figure was said only if the line spoken at its turn is the director's and holds it; a read-back
      // or correction the gateway replaced with a fallback was not said (its turn is then null).
      misunderstandings: (truth?.misunderstandings ?? []).flatMap((m): MisunderstandingLabel[] => {
        const line = c.said.get(m.turn);
        if (!line || line.fallback || !spokenText(c, line).includes(m.said)) return [];
        const spokenTurn = (turn: number | null): number | null => {
          const r = turn === null ? undefined : c.said.get(turn);
          return r && !r.fallback ? turn : null;
        };
        return [
          {
            turn: m.turn,
            role: m.role,
            said: m.said,
            heard: m.heard,
            noticed: m.noticed,
            readBackTurn: spokenTurn(m.readBackTurn),
            correctionTurn: spokenTurn(m.correctionTurn),
          },
        ];
      }),
      // A deviation happened only if its words are in the line spoken at its turn (the director's, not a fallback),
      // and was put right only if the line that did so was spoken too.
      deviations: (truth?.deviations ?? []).flatMap((d): DeviationLabel[] => {
        const line = c.said.get(d.turn);
        const start = line && !line.fallback ? spokenText(c, line).indexOf(d.words) : -1;
        if (start < 0) return [];
        const repair = d.repairTurn === null ? undefined : c.said.get(d.repairTurn);
        const repaired =
          d.repaired &&
          repair !== undefined &&
          !repair.fallback &&
          (d.right === null || spokenText(c, repair).includes(d.right));
        return [
          {
            turn: d.turn,
            role: d.role,
            kind: d.kind,
            words: d.words,
            start,
            end: start + d.words.length,
            wrong: d.wrong,
            right: d.right,
            repaired,
            repairTurn: repaired ? d.repairTurn : null,
          },
        ];
      }),
    };
  }

  private mustGet(callId: string): CallData {
    const c = this.call(callId);
    if (!c) throw new Error(`no CallPlanned seen for call ${callId}`);
    return c;
  }
}

/** The recogniser's word error rate of a transcript's recognised turns, per role and per turn. */
export function recogniserWer(turns: readonly TranscriptTurn[]): RecogniserWer {
  const heard = turns.flatMap((t) => (t.heard === null ? [] : [{ t, e: wordErrors(t.said, t.heard) }]));
  const ofRole = (role: Role) => wordErrorRate(heard.filter(({ t }) => t.role === role).map(({ e }) => e));
  return {
    agent: ofRole('agent'),
    customer: ofRole('customer'),
    turns: heard.map(({ t, e }) => ({
      turn: t.turn,
      role: t.role,
      words: e.words,
      errors: e.errors,
      wer: wordErrorRate([e]),
    })),
  };
}

/**
 * The words of a turn as they were said: the line the gateway gave the leg, or, when the other side cut into it
 * (the ground truth's interruption for the turn), the part of it said before the cut.
 */
function spokenText(c: CallData, r: ReplyReady): string {
  const cut = r.fallback ? undefined : c.truth?.interruptions.find((x) => x.turn === r.turn);
  return cut && r.text.startsWith(cut.said) ? cut.said : r.text;
}

/** Whether `text` holds exactly the span's value at [start, end). */
function spokenAt(text: string | undefined, s: SpokenPii): boolean {
  return (
    text !== undefined &&
    Number.isInteger(s.start) &&
    Number.isInteger(s.end) &&
    s.start >= 0 &&
    s.start < s.end &&
    text.slice(s.start, s.end) === s.value
  );
}
