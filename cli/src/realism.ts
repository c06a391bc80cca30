import type {
  CallRecord,
  IntelligenceRecord,
  Labels,
  Transcript,
  TranscriptTurn,
} from '@synthcall/analytics-sink/dataset';
import { percentile } from '@synthcall/event-bus';
import { alignWords, spokenWords, wordErrorRate, wordErrors, wordTokens } from '@synthcall/personas';
import { words as popularWords } from 'popular-english-words/words.js';

/**
 * How much a dataset's calls are shaped like recorded phone calls (issue 14): each measure is computed from the
 * dataset alone (calls.jsonl, transcripts/, labels/, intelligence/), printed beside the range the issue sets for
 * it, with the share of calls outside that range.
 */

export interface RealismCall {
  record: CallRecord;
  labels:
    | (Pick<Labels, 'spokenPii'> & Partial<Pick<Labels, 'holds' | 'interruptions' | 'deviations'>>)
    | null;
  intelligence: Pick<IntelligenceRecord, 'sentences'> | null;
  transcript: Transcript | null;
}

export interface RealismMeasure {
  name: string;
  /** The dataset's figure, formatted. */
  value: string;
  /** The issue's target, formatted ("≤ 8", "15–25%"); "—" where the issue sets none. */
  target: string;
  /** Whether the dataset's figure is within the target; null without a target or without data. */
  met: boolean | null;
  /** Share of the calls measured whose own figure is outside the target; null where the target is on the dataset. */
  callsOutside: number | null;
  /** How many calls (or turns, sentences, spans) the figure was computed over. */
  basis: string;
}

export interface RealismReport {
  calls: number;
  measures: RealismMeasure[];
}

/** A recogniser outputs words: the 50,000 most frequent English words count as words (a rare form like "yous" does not). */
const DICTIONARY_SIZE = 50_000;
let dictionary: ReadonlySet<string> | undefined;
function commonWords(): ReadonlySet<string> {
  dictionary ??= new Set(popularWords.slice(0, DICTIONARY_SIZE));
  return dictionary;
}
const CONTRACTION_ENDINGS = new Set(['s', 't', 're', 've', 'll', 'd', 'm']);

/** Word tokens of a line: the one definition the scripted caller's paraphrase counts by too. */
export const tokens = wordTokens;

/** Whether a recognised token is a word: common English, a figure or id, a word said in the dataset, or their contraction. */
export function isWord(token: string, spoken: ReadonlySet<string>): boolean {
  // Figures and ids: a recogniser writes digits, and a confused digit in an id is a misheard figure, not a non-word.
  if (/\d/.test(token)) return true;
  const dict = commonWords();
  const known = (w: string) => dict.has(w) || spoken.has(w);
  if (known(token)) return true;
  if (token.includes('-'))
    return (
      known(token.replace(/-/g, '')) || token.split('-').every((p) => p === '' || known(p) || /^\d+$/.test(p))
    );
  const apostrophe = token.indexOf("'");
  if (apostrophe > 0) {
    const base = token.slice(0, apostrophe);
    const ending = token.slice(apostrophe + 1);
    if (token === "can't" || token === "won't" || token === "ain't") return true;
    if (ending === 't') return base.endsWith('n') && known(base.slice(0, -1));
    return CONTRACTION_ENDINGS.has(ending) && known(base);
  }
  return false;
}

/** The substitutions of a word-level alignment of what was said with what was heard (minimum edit distance). */
export function substitutions(said: string[], heard: string[]): Array<[string, string]> {
  return alignWords(said, heard).substitutions;
}

const FILLERS = new Set(['um', 'uh', 'uhm', 'umm', 'er', 'erm', 'hmm', 'mm']);

/** Moves that start a repair: the hearer asks again, or the agent asks for the identity again. */
const REPAIR_MOVES = new Set(['ask_repeat', 'reprompt', 'reverify', 'read_back', 'correct']);

const YES_NO_START =
  /^(?:do|does|did|is|are|was|were|can|could|would|will|have|has|had|should|shall|may|am|isn't|aren't|don't|didn't|won't|wouldn't|can't)\b/;
const YES_NO_ANSWER =
  /\b(?:yes|yeah|yep|yup|no|nope|nah|sure|okay|ok|alright|right|correct|exactly|absolutely|definitely|please|not|don't|didn't|haven't|hasn't|isn't|wasn't|can't|never|fine|perfect|great|thanks|thank|that's|it's|i'd|i|mm-hm|uh-huh|nothing|that should do)\b/;
const DEFLECTION =
  /\b(?:i don't know|not sure|no idea|can't remember|don't remember|rather not|would rather|let me check|hold on|one moment|one second|sorry\??|pardon|say that again|repeat that|come again|can't give|cannot give|unable to|not able to|i'm afraid|unfortunately|won't let me)\b/;
const FIGURE_ASKED = /\b(?:how much|how many|how long|what (?:day|date|time)|which (?:day|date)|when)\b/;
const FIGURE_ANSWER =
  /\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|twenty|thirty|hundred|thousand|monday|tuesday|wednesday|thursday|friday|saturday|sunday|january|february|march|april|may|june|july|august|september|october|november|december|today|yesterday|tomorrow|week|weeks|month|months|year|years|day|days|morning|afternoon|evening|ago|last|since|noon|asap|soon|sooner|now|immediately|next|later|minute|minutes|hour|hours)\b/;

/** The last sentence of a turn when it is a question (what the next turn of the other role has to answer). */
export function finalQuestion(text: string): string | null {
  const trimmed = text.trim();
  if (!trimmed.endsWith('?')) return null;
  const sentences = trimmed.split(/(?<=[.!?])\s+/);
  return (sentences.at(-1) ?? trimmed).toLowerCase();
}

/**
 * Whether `reply` answers `question` or explicitly deflects it: a yes/no question gets a yes, a no or an assent; a
 * question about a figure or a time gets a number, a date or a duration; any other question gets a reply that is
 * not only a question back. A reply asking to repeat or saying "I don't know" deflects.
 */
export function answers(question: string, reply: string): boolean {
  const r = reply.toLowerCase().trim();
  if (r === '') return false;
  if (DEFLECTION.test(r)) return true;
  if (FIGURE_ASKED.test(question) && !YES_NO_START.test(question)) return FIGURE_ANSWER.test(r);
  if (YES_NO_START.test(question)) return YES_NO_ANSWER.test(r) || FIGURE_ANSWER.test(r);
  const sentences = r.split(/(?<=[.!?])\s+/);
  return sentences.some((s) => !s.endsWith('?'));
}

/**
 * Terms that belong to one industry's calls only: a line of another industry's call that says one came from the
 * wrong script. Kept to words no other industry's caller has a reason to say.
 */
export const INDUSTRY_MARKERS: Readonly<Record<string, readonly string[]>> = {
  telecom: ['router', 'modem', 'sim card', 'handset', 'roaming', 'voicemail', 'data plan', 'cell tower'],
  banking: [
    'debit card',
    'online banking',
    'overdraft',
    'checking account',
    'savings account',
    'wire transfer',
  ],
  ecommerce: ['order number', 'tracking number', 'parcel', 'checkout', 'courier'],
  travel: ['boarding pass', 'itinerary', 'layover', 'e-ticket', 'booking reference', 'departure gate'],
  utilities: ['meter reading', 'smart meter', 'thermostat', 'circuit breaker', 'disconnection notice'],
  healthcare_billing: ['copay', 'explanation of benefits', 'patient portal', 'itemized bill', 'billing code'],
  insurance: ['declarations page', 'policyholder', 'policy number', 'claim number'],
};

/** The first marker of another industry a line names, or null: a line that came from the wrong script. */
export function foreignMarker(text: string, industry: string): string | null {
  const t = text.toLowerCase();
  const own = new Set(INDUSTRY_MARKERS[industry] ?? []);
  for (const [other, markers] of Object.entries(INDUSTRY_MARKERS)) {
    if (other === industry) continue;
    for (const m of markers)
      if (!own.has(m) && new RegExp(`\\b${m.replace(/[-/\\^$*+?.()|[\]{}]/g, '\\$&')}\\b`).test(t)) return m;
  }
  return null;
}

function median(xs: readonly number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** Shared n-grams of `n` words between two token lists (the persona's text said word for word). */
function sharesRun(a: readonly string[], b: readonly string[], n: number): boolean {
  if (a.length < n || b.length < n) return false;
  const grams = new Set<string>();
  for (let i = 0; i + n <= a.length; i++) grams.add(a.slice(i, i + n).join(' '));
  for (let i = 0; i + n <= b.length; i++) if (grams.has(b.slice(i, i + n).join(' '))) return true;
  return false;
}

const pct = (x: number | null) => (x === null ? 'n/a' : `${(x * 100).toFixed(1)}%`);
const share = (n: number, of: number) => (of === 0 ? null : n / of);

/** Sentences a caller or an agent could say in any call are long ones only: "Thank you." in every call is real. */
const REPEATED_MIN_WORDS = 6;
const REPEATED_MIN_CALLS = 10;
const VERBATIM_WORDS = 8;
const HOLD_SEC = 30;
const SILENCE_SEC = 3;
const STILL_THERE = /\b(?:are you still there|still with me)\b/i;

export function computeRealism(calls: readonly RealismCall[]): RealismReport {
  const withTurns = calls.filter(
    (c): c is RealismCall & { transcript: Transcript } =>
      Array.isArray(c.transcript?.turns) && (c.transcript?.turns.length ?? 0) > 0,
  );
  const turnsOf = (c: { transcript: Transcript }) => c.transcript.turns;
  const wordCount = (t: TranscriptTurn) => tokens(t.said).length;
  const spokenVocabulary = new Set(
    withTurns.flatMap((c) => turnsOf(c).flatMap((t) => [...tokens(t.said), ...spokenWords(t.said)])),
  );
  const measures: RealismMeasure[] = [];
  const n = withTurns.length;
  const basis = `${n} calls with a transcript`;

  // Words per turn.
  const allWords = withTurns.flatMap((c) => turnsOf(c).map(wordCount));
  const medianWords = median(allWords);
  const callMedians = withTurns.map((c) => median(turnsOf(c).map(wordCount)) ?? 0);
  measures.push({
    name: 'words per turn (median)',
    value: medianWords === null ? 'n/a' : String(medianWords),
    target: '≤ 8',
    met: medianWords === null ? null : medianWords <= 8,
    callsOutside: share(callMedians.filter((m) => m > 8).length, n),
    basis: `${allWords.length} turns`,
  });

  // Short turns.
  const shortShare = share(allWords.filter((w) => w <= 2).length, allWords.length);
  const callShort = withTurns.map(
    (c) => turnsOf(c).filter((t) => wordCount(t) <= 2).length / turnsOf(c).length,
  );
  measures.push({
    name: 'turns of ≤ 2 words',
    value: pct(shortShare),
    target: '15–25%',
    met: shortShare === null ? null : shortShare >= 0.15 && shortShare <= 0.25,
    callsOutside: share(callShort.filter((s) => s < 0.15 || s > 0.25).length, n),
    basis: `${allWords.length} turns`,
  });

  // Fillers.
  const fillerCount = (c: { transcript: Transcript }) =>
    turnsOf(c).reduce((k, t) => k + tokens(t.said).filter((w) => FILLERS.has(w)).length, 0);
  const totalWords = allWords.reduce((a, b) => a + b, 0);
  const fillersPer100 =
    totalWords === 0 ? null : (100 * withTurns.reduce((k, c) => k + fillerCount(c), 0)) / totalWords;
  const callFillers = withTurns.map((c) => {
    const w = turnsOf(c).reduce((k, t) => k + wordCount(t), 0);
    return w === 0 ? 0 : (100 * fillerCount(c)) / w;
  });
  measures.push({
    name: 'fillers (um, uh, …) per 100 words',
    value: fillersPer100 === null ? 'n/a' : fillersPer100.toFixed(2),
    target: '1–3',
    met: fillersPer100 === null ? null : fillersPer100 >= 1 && fillersPer100 <= 3,
    callsOutside: share(callFillers.filter((f) => f < 1 || f > 3).length, n),
    basis: `${totalWords} words`,
  });

  // Repairs: a repair-initiating move, or a repair the ground truth records.
  const hasRepair = (c: RealismCall & { transcript: Transcript }) =>
    ((c.labels as { repairs?: unknown[] } | null)?.repairs?.length ?? 0) > 0 ||
    turnsOf(c).some((t, i) => t.move !== null && REPAIR_MOVES.has(t.move) && i + 1 < turnsOf(c).length);
  const repairShare = share(withTurns.filter(hasRepair).length, n);
  measures.push({
    name: 'calls with a repair sequence',
    value: pct(repairShare),
    target: '≥ 20%',
    met: repairShare === null ? null : repairShare >= 0.2,
    callsOutside: null,
    basis,
  });

  // Holds that take call time: a silence of ≥ 30 s between two sentences of the recording.
  const timed = calls.filter((c) => (c.intelligence?.sentences?.length ?? 0) > 1);
  const longestGap = (c: RealismCall) => {
    const s = [...(c.intelligence?.sentences ?? [])].sort((a, b) => a.startSec - b.startSec);
    return s.reduce(
      (g, x, i) => (i === 0 ? g : Math.max(g, x.startSec - (s[i - 1]?.endSec ?? x.startSec))),
      0,
    );
  };
  const gaps = timed.map(longestGap);
  const holdShare = share(gaps.filter((g) => g >= HOLD_SEC).length, timed.length);
  const holdMoves = withTurns.filter((c) => turnsOf(c).some((t) => t.move === 'hold')).length;
  measures.push({
    name: `calls with a hold ≥ ${HOLD_SEC} s of call time`,
    value: `${pct(holdShare)} (hold moves in ${pct(share(holdMoves, n))}; longest gap median ${(median(gaps) ?? 0).toFixed(1)} s)`,
    target: '≥ 20%',
    met: holdShare === null ? null : holdShare >= 0.2,
    callsOutside: null,
    basis: `${timed.length} calls with Voice Intelligence sentences`,
  });

  // Hold lengths, from the labels, each checked against the recording: silence from its start to its end, where the
  // line after it starts.
  const labelledHolds = calls.flatMap((c) =>
    (c.labels?.holds ?? []).map((h) => ({ hold: h, sentences: c.intelligence?.sentences ?? [] })),
  );
  const lengths = labelledHolds.map(({ hold }) => hold.seconds).sort((a, b) => a - b);
  const silentInRecording = labelledHolds.filter(({ hold: { startSec, endSec }, sentences }) => {
    if (startSec === null || endSec === null) return false;
    const inside = (t: number) => t > startSec + 0.01 && t < endSec - 0.01;
    return (
      sentences.some((x) => Math.abs(x.startSec - endSec) < 0.01) &&
      !sentences.some((x) => inside(x.startSec) || inside(x.endSec))
    );
  }).length;
  const longHolds = lengths.filter((x) => x >= HOLD_SEC).length;
  measures.push({
    name: 'hold length (labelled holds)',
    value:
      lengths.length === 0
        ? 'n/a'
        : `median ${median(lengths)} s, p90 ${percentile(lengths, 90)} s, ${pct(share(longHolds, lengths.length))} ≥ ${HOLD_SEC} s; ${pct(share(silentInRecording, lengths.length))} silent in the recording`,
    target: `most ≥ ${HOLD_SEC} s; 100% silent in the recording`,
    met: lengths.length === 0 ? null : longHolds * 2 > lengths.length && silentInRecording === lengths.length,
    callsOutside: null,
    basis: `${lengths.length} holds`,
  });

  // Silences and interruptions, from the recording's sentences: a change of speaker after 3-30 s of nothing that no
  // labelled hold explains (a short hold is a hold, not a silence), and a sentence that starts while the other
  // role's is still going.
  const turnChanges = (c: RealismCall) => {
    const holdEnds = (c.labels?.holds ?? []).flatMap((h) => (h.endSec === null ? [] : [h.endSec]));
    const s = [...(c.intelligence?.sentences ?? [])].sort((a, b) => a.startSec - b.startSec);
    return s.slice(1).flatMap((x, i) => {
      const before = s[i];
      if (!before || before.role === x.role) return [];
      return [
        { gap: x.startSec - before.endSec, hold: holdEnds.some((end) => Math.abs(end - x.startSec) < 0.01) },
      ];
    });
  };
  const changes = timed.map(turnChanges);
  const silenceShare = share(
    changes.filter((g) => g.some(({ gap, hold }) => !hold && gap >= SILENCE_SEC && gap < HOLD_SEC)).length,
    timed.length,
  );
  const stillThere = withTurns.filter((c) => turnsOf(c).some((t) => STILL_THERE.test(t.said))).length;
  measures.push({
    name: `calls with a silence of ${SILENCE_SEC}–${HOLD_SEC} s between turns`,
    value: `${pct(silenceShare)} ("are you still there?" in ${pct(share(stillThere, n))})`,
    target: '—',
    met: null,
    callsOutside: null,
    basis: `${timed.length} calls with Voice Intelligence sentences`,
  });
  // Interruptions: lines the labels say were cut off by the other side talking over them, and whether the recording
  // shows the overlap (the other side's line starts before the cut line stops); beside them, every overlap of speech.
  const overlapShare = share(changes.filter((g) => g.some(({ gap }) => gap < 0)).length, timed.length);
  const labelled = calls.filter((c) => c.labels !== null);
  const cuts = labelled.flatMap((c) => c.labels?.interruptions ?? []);
  const cutShare = share(
    labelled.filter((c) => (c.labels?.interruptions ?? []).length > 0).length,
    labelled.length,
  );
  const timedCuts = cuts.filter((x) => x.overlapStartSec !== null && x.cutAtSec !== null);
  const overlapping = timedCuts.filter((x) => (x.overlapStartSec ?? 0) < (x.cutAtSec ?? 0)).length;
  measures.push({
    name: 'calls with an interruption (a line cut off)',
    value: `${pct(cutShare)} (${cuts.length} lines cut, ${pct(share(overlapping, timedCuts.length))} overlapping in the recording; speech overlaps in ${pct(overlapShare)} of calls)`,
    target: '10–30%',
    met: cutShare === null ? null : cutShare >= 0.1 && cutShare <= 0.3,
    callsOutside: null,
    basis: `${labelled.length} calls with labels, ${timed.length} with Voice Intelligence sentences`,
  });

  // Deviations the labels record: the agent misstating a figure and correcting itself, the caller answering another
  // question or declining, and whether each was put right.
  const deviations = labelled.flatMap((c) => c.labels?.deviations ?? []);
  const slips = deviations.filter((d) => d.kind === 'self_correction');
  const deflections = deviations.filter((d) => d.kind !== 'self_correction');
  const withKind = (agent: boolean) =>
    share(
      labelled.filter((c) =>
        (c.labels?.deviations ?? []).some((d) => (d.kind === 'self_correction') === agent),
      ).length,
      labelled.length,
    );
  const sameTurn = slips.filter((d) => d.repairTurn === d.turn).length;
  const afterQuery = slips.filter((d) => d.repairTurn !== null && d.repairTurn !== d.turn).length;
  measures.push({
    name: 'calls with an agent self-correction',
    value: `${pct(withKind(true))} (${slips.length} figures misstated: ${sameTurn} corrected in the same turn, ${afterQuery} after the caller queried, ${slips.length - sameTurn - afterQuery} not corrected)`,
    target: '—',
    met: null,
    callsOutside: null,
    basis: `${labelled.length} calls with labels`,
  });
  const offQuestions = deflections.filter((d) => d.kind === 'off_question').length;
  measures.push({
    name: 'calls where the caller answers another question or declines',
    value: `${pct(withKind(false))} (${offQuestions} off-question answers, ${deflections.length - offQuestions} refusals; ${pct(share(deflections.filter((d) => d.repaired).length, deflections.length))} answered after the agent asked again or offered another way)`,
    target: '—',
    met: null,
    callsOutside: null,
    basis: `${labelled.length} calls with labels`,
  });

  // Recogniser confidence: a recogniser is surer of some sentences than of others.
  const confidences = timed.flatMap((c) =>
    (c.intelligence?.sentences ?? []).flatMap((x) => (x.confidence === null ? [] : [x.confidence])),
  );
  const mean = confidences.reduce((a, b) => a + b, 0) / Math.max(1, confidences.length);
  const sd = Math.sqrt(
    confidences.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, confidences.length),
  );
  measures.push({
    name: 'sentence confidence (spread)',
    value:
      confidences.length === 0
        ? 'n/a'
        : `sd ${sd.toFixed(3)}, ${Math.min(...confidences).toFixed(2)}–${Math.max(...confidences).toFixed(2)}`,
    target: 'varies (sd > 0.02)',
    met: confidences.length === 0 ? null : sd > 0.02,
    callsOutside: null,
    basis: `${confidences.length} sentences`,
  });

  // Turn timing.
  const allTurns = withTurns.flatMap(turnsOf);
  const timedTurns = allTurns.filter((t) => t.startSec !== null && t.endSec !== null).length;
  measures.push({
    name: 'turns with startSec/endSec',
    value: pct(share(timedTurns, allTurns.length)),
    target: '100%',
    met: allTurns.length === 0 ? null : timedTurns === allTurns.length,
    callsOutside: share(
      withTurns.filter((c) => turnsOf(c).some((t) => t.startSec === null || t.endSec === null)).length,
      n,
    ),
    basis: `${allTurns.length} turns`,
  });

  // Recogniser substitutions that are not words.
  const callSubs = withTurns.map((c) =>
    turnsOf(c).flatMap((t) => (t.heard === null ? [] : substitutions(spokenWords(t.said), tokens(t.heard)))),
  );
  const subs = callSubs.flat();
  const nonWord = (s: [string, string]) => !isWord(s[1], spokenVocabulary);
  const nonWordShare = share(subs.filter(nonWord).length, subs.length);
  measures.push({
    name: 'recogniser substitutions that are non-words',
    value: pct(nonWordShare),
    target: '< 5%',
    met: nonWordShare === null ? null : nonWordShare < 0.05,
    callsOutside: share(
      callSubs.filter((s) => s.length > 0 && s.filter(nonWord).length / s.length >= 0.05).length,
      n,
    ),
    basis: `${subs.length} substitutions`,
  });

  // Recogniser word error rate, per role, and where its errors fall.
  const heardTurns = allTurns.filter((t) => t.heard !== null);
  const werOf = (ts: readonly TranscriptTurn[]) =>
    wordErrorRate(ts.map((t) => wordErrors(t.said, t.heard ?? '')));
  const werAgent = werOf(heardTurns.filter((t) => t.role === 'agent'));
  const werCustomer = werOf(heardTurns.filter((t) => t.role === 'customer'));
  measures.push({
    name: 'recogniser WER (agent / customer)',
    value: `${pct(werAgent)} / ${pct(werCustomer)}`,
    target: '—',
    met: null,
    callsOutside: null,
    basis: `${heardTurns.length} recognised turns`,
  });
  // Figures, names and rare words (outside the 50,000 common words) against the rest: how often each is misheard.
  const dict = commonWords();
  let hardSaid = 0;
  let easySaid = 0;
  let hardWrong = 0;
  let easyWrong = 0;
  for (const t of heardTurns) {
    const own = new Set(tokens(t.said));
    // A word a figure of the line became ("eight" of "TC-88213007") is a figure's word.
    const hard = (x: string) => !own.has(x) || !dict.has(x);
    const w = spokenWords(t.said);
    for (const x of w) hard(x) ? hardSaid++ : easySaid++;
    for (const [x] of alignWords(w, tokens(t.heard ?? '')).substitutions) hard(x) ? hardWrong++ : easyWrong++;
  }
  const hardRate = share(hardWrong, hardSaid);
  const easyRate = share(easyWrong, easySaid);
  const ratio = hardRate === null || easyRate === null || easyRate === 0 ? null : hardRate / easyRate;
  measures.push({
    name: 'substitution rate on figures, names, rare words ÷ common words',
    value: ratio === null ? 'n/a' : `${ratio.toFixed(1)}× (${pct(hardRate)} vs ${pct(easyRate)})`,
    target: '> 1×',
    met: ratio === null ? null : ratio > 1,
    callsOutside: null,
    basis: `${hardSaid + easySaid} words said`,
  });
  // Figures in the recogniser's text: a recogniser writes what it hears in spoken form ("five five eight"), not digits.
  const saidFigures = heardTurns.reduce((k, t) => k + tokens(t.said).filter((w) => /\d/.test(w)).length, 0);
  const heardDigits = heardTurns.reduce(
    (k, t) => k + tokens(t.heard ?? '').filter((w) => /\d/.test(w)).length,
    0,
  );
  const spokenShare = saidFigures === 0 ? null : Math.max(0, 1 - heardDigits / saidFigures);
  measures.push({
    name: "figures and ids in spoken form in the recogniser's text",
    value: pct(spokenShare),
    target: '100%',
    met: spokenShare === null ? null : spokenShare >= 1,
    callsOutside: share(
      withTurns.filter((c) => turnsOf(c).some((t) => t.heard !== null && /\d/.test(t.heard))).length,
      n,
    ),
    basis: `${saidFigures} figures said`,
  });

  // Question–answer fit.
  let questions = 0;
  let fitted = 0;
  const callFit = withTurns.map((c) => {
    let q = 0;
    let a = 0;
    const turns = turnsOf(c);
    // A reply the labels say answered another question than the one asked fits it in no way, whatever its words.
    const offQuestion = new Set(
      (c.labels?.deviations ?? []).filter((d) => d.kind === 'off_question').map((d) => d.turn),
    );
    turns.forEach((t, i) => {
      const question = finalQuestion(t.said);
      const reply = turns.slice(i + 1).find((u) => u.role !== t.role);
      if (question === null || reply === undefined) return;
      q++;
      if (!offQuestion.has(reply.turn) && answers(question, reply.said)) a++;
    });
    questions += q;
    fitted += a;
    return q === 0 ? 1 : a / q;
  });
  const fit = share(fitted, questions);
  measures.push({
    name: 'question–answer fit',
    value: pct(fit),
    target: '≥ 95%',
    met: fit === null ? null : fit >= 0.95,
    callsOutside: share(callFit.filter((f) => f < 0.95).length, n),
    basis: `${questions} questions`,
  });

  // Cross-call repetition.
  const sentenceCalls = new Map<string, Set<string>>();
  let sentenceCount = 0;
  const callSentences = withTurns.map((c) => {
    const list = turnsOf(c)
      .flatMap((t) => t.said.split(/(?<=[.!?])\s+/))
      .map((s) => tokens(s).join(' '))
      .filter((s) => s.split(' ').length >= REPEATED_MIN_WORDS);
    for (const s of list) {
      const set = sentenceCalls.get(s) ?? new Set<string>();
      set.add(c.record.callId);
      sentenceCalls.set(s, set);
    }
    sentenceCount += list.length;
    return list;
  });
  const repeated = (s: string) => (sentenceCalls.get(s)?.size ?? 0) >= REPEATED_MIN_CALLS;
  measures.push({
    name: `sentences (≥ ${REPEATED_MIN_WORDS} words) said in ≥ ${REPEATED_MIN_CALLS} calls`,
    value: pct(share(callSentences.flat().filter(repeated).length, sentenceCount)),
    target: '—',
    met: null,
    callsOutside: null,
    basis: `${sentenceCount} sentences`,
  });

  // Persona issue text spoken word for word.
  const verbatim = withTurns.filter((c) => {
    const issue = tokens(c.record.scenario.summary ?? '');
    return turnsOf(c).some((t) => t.role === 'customer' && sharesRun(issue, tokens(t.said), VERBATIM_WORDS));
  }).length;
  const verbatimShare = share(verbatim, n);
  measures.push({
    name: `calls speaking ≥ ${VERBATIM_WORDS} words of the persona's issue verbatim`,
    value: pct(verbatimShare),
    target: '≤ 10%',
    met: verbatimShare === null ? null : verbatimShare <= 0.1,
    callsOutside: null,
    basis,
  });

  // Lines from another industry's script.
  const foreign = withTurns.map(
    (c) => turnsOf(c).filter((t) => foreignMarker(t.said, c.record.scenario.industry) !== null).length,
  );
  const foreignLines = foreign.reduce((a, b) => a + b, 0);
  measures.push({
    name: "lines naming another industry's things",
    value: String(foreignLines),
    target: '0',
    met: n === 0 ? null : foreignLines === 0,
    callsOutside: share(foreign.filter((k) => k > 0).length, n),
    basis: `${allTurns.length} turns`,
  });

  // Fresh calls that open as if transferred.
  const transferOpenings = withTurns.filter((c) =>
    /\bthank you for holding\b/i.test(turnsOf(c).find((t) => t.role === 'agent')?.said ?? ''),
  ).length;
  measures.push({
    name: 'calls opening "thank you for holding" without a transfer',
    value: pct(share(transferOpenings, n)),
    target: '0%',
    met: n === 0 ? null : transferOpenings === 0,
    callsOutside: share(transferOpenings, n),
    basis,
  });

  // Outcome agreement of matched pairings.
  const matched = calls.filter((c) => c.record.strategy === 'matched' && c.record.outcome !== null);
  const agree = matched.filter((c) => c.record.expectedOutcome === c.record.outcome).length;
  const agreement = share(agree, matched.length);
  measures.push({
    name: 'expected = actual outcome (matched calls)',
    value: pct(agreement),
    target: '≥ 90%',
    met: agreement === null ? null : agreement >= 0.9,
    callsOutside: share(matched.length - agree, matched.length),
    basis: `${matched.length} ended matched calls of ${calls.filter((c) => c.record.strategy === 'matched').length}`,
  });

  // Labels exact: every PII span on the words of its turn as spoken.
  let spans = 0;
  let exact = 0;
  const inexactCalls = withTurns.filter((c) => {
    const said = new Map(turnsOf(c).map((t) => [t.turn, t.said]));
    let bad = false;
    for (const s of c.labels?.spokenPii ?? []) {
      spans++;
      if (said.get(s.turn)?.slice(s.start, s.end) === s.value) exact++;
      else bad = true;
    }
    return bad;
  }).length;
  measures.push({
    name: 'PII spans on the spoken words',
    value: `${pct(share(exact, spans))} (${exact} of ${spans})`,
    target: '100%',
    met: spans === 0 ? null : exact === spans,
    callsOutside: share(inexactCalls, n),
    basis: `${spans} spans`,
  });

  return { calls: calls.length, measures };
}

const mark = (m: RealismMeasure) => (m.met === null ? ' ' : m.met ? '✓' : '✗');

/** The realism measures as aligned text lines (what `synthcall report` prints). */
export function realismLines(r: RealismReport): string[] {
  const width = Math.max(...r.measures.map((m) => m.name.length));
  return [
    `realism (${r.calls} calls)`,
    ...r.measures.map(
      (m) =>
        `  ${mark(m)} ${m.name.padEnd(width)}  ${m.value}  [target ${m.target}${m.callsOutside === null ? '' : `; ${pct(m.callsOutside)} of calls outside`}]`,
    ),
  ];
}

/** The realism measures as a Markdown table. */
export function realismTable(r: RealismReport): string {
  return [
    '| measure | value | target | calls outside | over |',
    '| --- | ---: | ---: | ---: | --- |',
    ...r.measures.map(
      (m) =>
        `| ${m.name} | ${m.value} ${mark(m)} | ${m.target} | ${m.callsOutside === null ? '—' : pct(m.callsOutside)} | ${m.basis} |`,
    ),
  ].join('\n');
}
