import { assessCall, breaksRole, type GateLine } from '../quality-gate.js';
import { MONTHS, STAFF_FIRST, WEEKDAYS } from '../scripted/library.js';
import { FIRST_NAMES } from '../scripted/world.js';
import type { CallContext, ChatMessage } from '../types.js';
import { otherRole } from '../types.js';
import type { Move } from './move.js';

/** Why a realized line was not accepted for its move. */
export type RealizationProblem =
  | 'empty'
  | 'too_long'
  | 'meta_talk'
  | 'wrong_role'
  | 'made_up_figure'
  | 'made_up_contact'
  | 'made_up_id'
  | 'made_up_name'
  | 'premature_goodbye'
  | 'repetition'
  | 'parrot'
  | 'off_move'
  | 'would_end_call'
  | 'copied';

export type RealizationCheck = { ok: true } | { ok: false; problem: RealizationProblem; detail: string };

/**
 * Everything a line of this call may mention without making it up: the move's own line, what was said and heard so
 * far, and the speaking role's persona facts (for the customer their own details; for the agent the company).
 */
export function knownText(context: CallContext, history: readonly ChatMessage[], move: Move): string {
  const c = context.customer;
  const persona =
    move.role === 'customer'
      ? [
          c.name,
          c.email,
          c.phone,
          c.issue,
          c.desiredResolution,
          c.company ?? '',
          ...c.identifiers.map((i) => i.value),
          c.address
            ? `${c.address.street} ${c.address.city} ${c.address.region} ${c.address.postalCode}`
            : '',
        ]
      : [context.agent.name, c.company ?? ''];
  return [
    move.line,
    ...move.names,
    ...persona,
    ...history.filter((m) => m.role !== 'system').map((m) => m.content),
  ].join('\n');
}

const CAPITALISED_WORDS = new Set([
  'I',
  "I'm",
  "I'll",
  "I've",
  "I'd",
  'OK',
  'Okay',
  'Mr',
  'Mrs',
  'Ms',
  'Dr',
  'Sir',
  'Ma',
  'AM',
  'PM',
  'US',
]);

// A sentence's first word is capitalised anyway: it is a name only when it is a month, a weekday or a first name, and
// not one of the first names that are also words a sentence starts with ("Will you…", "May I…", "Hope that helps").
const DATE_WORDS = new Set<string>([...MONTHS, ...WEEKDAYS]);
const NAMES = new Set([...FIRST_NAMES, ...STAFF_FIRST]);
const WORDS_NOT_NAMES = new Set(
  'Will May Hope Mark Bill Grant Major Price Green Stone Chase Max Sunny Joy June April August Faith Grace Rich Frank Sandy Summer Art Guy Name King Queen Noble Justice Royal Ray Miles Dawn Rose Penny Misty Lyric Brain Judge Reed Gene Dale Glen Heath Lance Jack Drew Sim Dock Buck Bud Buddy Coy Curt Rod Rusty Hardy Ford Stan Don'.split(
    ' ',
  ),
);

const META =
  /\b(?:as an ai|language model|ai assistant|rewrite|rephrase|reword|paraphrase|original line|in your own words|json|here(?: is|'s) (?:a|the|my|your) (?:line|sentence|version|response))\b/i;
/\b(?:as an ai|language model|ai assistant|rewrite|rephrase|reword|paraphrase|original line|json|the line)\b/i;
const GOODBYE =
  /\b(?:good ?bye|bye(?: now)?|have a (?:good|great|nice|wonderful|lovely) (?:day|one|evening|night|afternoon|weekend)|take care)\b/i;
const STOP = new Set(
  'that this with have your from they will would could there their about just what when which been were into them than then also some very okay yeah well right sure please thank thanks'.split(
    ' ',
  ),
);

const UNITS =
  'zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen'.split(
    ' ',
  );
const TENS = 'twenty thirty forty fifty sixty seventy eighty ninety'.split(' ');
const UNIT_ORDINALS =
  'zeroth first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth'.split(
    ' ',
  );
const TENS_ORDINALS = 'twentieth thirtieth fortieth fiftieth sixtieth seventieth eightieth ninetieth'.split(
  ' ',
);

function numberWord(word: string): { value: number; scale?: number } | undefined {
  const unit = Math.max(UNITS.indexOf(word), UNIT_ORDINALS.indexOf(word));
  if (unit >= 0) return { value: unit };
  const tens = Math.max(TENS.indexOf(word), TENS_ORDINALS.indexOf(word));
  if (tens >= 0) return { value: (tens + 2) * 10 };
  if (word === 'hundred' || word === 'hundredth') return { value: 0, scale: 100 };
  if (word === 'thousand' || word === 'thousandth') return { value: 0, scale: 1000 };
  return undefined;
}

// Words that are numbers only now and then ("one moment", "first, …", "just a second"): a line may add them freely.
const IDIOMATIC = new Set(['one', 'first', 'second']);

/** The numbers a text spells out ("one hundred and fifty", "twenty-five", "the fourteenth"), as digits. */
function spelledNumbers(text: string, all: boolean): string[] {
  const found: string[] = [];
  let current: number | undefined;
  let total = 0;
  let words = 0;
  let lastWord = '';
  const flush = () => {
    if (current !== undefined && (all || words > 1 || !IDIOMATIC.has(lastWord)))
      found.push(String(total + current));
    current = undefined;
    total = 0;
    words = 0;
  };
  for (const word of text.toLowerCase().match(/[a-z]+/g) ?? []) {
    const n = numberWord(word);
    if (!n) {
      if (word !== 'and' || current === undefined) flush();
      continue;
    }
    if (n.scale === 1000) {
      total += (current || 1) * 1000;
      current = 0;
    } else if (n.scale === 100) current = (current || 1) * 100;
    else if (current !== undefined && (current % 100 !== 0 ? current % 10 !== 0 || n.value >= 10 : false)) {
      flush();
      current = n.value;
    } else current = (current ?? 0) + n.value;
    words++;
    lastWord = word;
  }
  flush();
  return found;
}

/**
 * The figures a text says, in digits or in words. Every figure counts, a single digit too ("7 days" for the plan's
 * 5, "3 pm" for its 9 am, "the 4th"); only "one", "first" and "second" alone are let through as ordinary words.
 */
function figures(text: string, all = false): string[] {
  const digits = [...text.matchAll(/\$?\d[\d,]*(?:\.\d+)?/g)].map((m) =>
    m[0].replace(/[$,]/g, '').replace(/\.0+$/, '').replace(/\.$/, ''),
  );
  return [...digits, ...spelledNumbers(text, all)];
}

function contentWords(text: string): string[] {
  return (text.toLowerCase().match(/[a-z][a-z']{3,}/g) ?? []).filter((w) => !STOP.has(w));
}

function normal(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9 ]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** A sentence said twice in one line, or one four-word phrase said twice. */
function repeatsItself(text: string): string | null {
  const sentences = text
    .split(/(?<=[.!?])\s+/)
    .map(normal)
    .filter((s) => s.split(' ').length >= 3);
  const seen = new Set<string>();
  for (const s of sentences) {
    if (seen.has(s)) return `"${s}" twice`;
    seen.add(s);
  }
  const words = normal(text).split(' ');
  const counts = new Map<string, number>();
  for (let i = 0; i + 4 <= words.length; i++) {
    const gram = words.slice(i, i + 4).join(' ');
    const n = (counts.get(gram) ?? 0) + 1;
    if (n >= 2 && i >= 1) return `"${gram}" twice`;
    counts.set(gram, n);
  }
  return null;
}

/** Lower-case words, punctuation dropped: what a listener hears of a line. */
function spokenWords(text: string): string[] {
  return (
    text
      .toLowerCase()
      .replace(/[\u2018\u2019]/g, "'")
      .match(/[\p{L}\p{N}]+(?:['.-][\p{L}\p{N}]+)*/gu) ?? []
  );
}

/** Word-level edit distance (insertions, deletions, substitutions). */
function wordDistance(a: readonly string[], b: readonly string[]): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++)
      row[j] = Math.min(
        (prev[j] as number) + 1,
        (row[j - 1] as number) + 1,
        (prev[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    prev = row;
  }
  return prev[b.length] as number;
}

/**
 * A model that hands the move's line back (nearly) word for word has worded nothing: the line is the director's, and
 * a dataset that counted it as the model's would overstate how little of the call is scripted. A line of 4 words or
 * more counts as copied when fewer than 2 of its words changed, or fewer than a fifth of them on a longer line.
 * Returns the count if copied.
 */
function wordsChanged(line: string, text: string): { changed: number; of: number } | undefined {
  const planned = spokenWords(line);
  if (planned.length < 4) return undefined;
  const changed = wordDistance(planned, spokenWords(text));
  return changed < Math.max(2, Math.ceil(planned.length * 0.2)) ? { changed, of: planned.length } : undefined;
}

function overlap(of: readonly string[], inText: readonly string[]): number {
  if (of.length === 0) return 1;
  const have = new Set(inText);
  return of.filter((w) => have.has(w)).length / of.length;
}

/**
 * Whether a line greets or thanks the speaker's own first name ("Hello, Jerome. I'm here for you." said by Jerome):
 * a model that lost track of who speaks. "Hi, Jerome here" and "Jerome Washington speaking" introduce the speaker.
 */
function addressesSelf(text: string, first: string): boolean {
  const name = first.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(
    `(?:^|[.!?]\\s+)(?:hi|hello|hey|thanks|thank you|okay|ok|right|alright|got it|great)[,!]?\\s+${name}\\s*[.!?,]`,
    'i',
  ).test(text);
}

/**
 * Whether a line a model wrote realizes its move without contradicting the plan: the right role, no figure, id,
 * contact or name the call does not know, no goodbye the director did not plan, not a copy of what was just heard
 * nor of the move's own line, and still about what the move says. Pure; a failed check is asked for once more, then the move's own line is used.
 */
export function checkRealized(
  move: Move,
  text: string,
  known: string,
  options: {
    maxLineChars: number;
    lastHeard?: string | undefined;
    /** The role's own history: the call so far as this role knows it, for the quality gate's verdict. */
    history?: readonly ChatMessage[] | undefined;
    /** The speaker's own first name: a line that greets or thanks it speaks to the speaker, as the other side would. */
    speakerFirstName?: string | undefined;
  },
): RealizationCheck {
  const fail = (problem: RealizationProblem, detail: string): RealizationCheck => ({
    ok: false,
    problem,
    detail,
  });
  const words = text.split(/\s+/).filter(Boolean);
  if (words.length === 0 || (words.length < 2 && move.line.split(/\s+/).length > 3))
    return fail('empty', `${words.length} words`);
  // A long move may be worded at its own length and a little more; a short one up to the configured limit.
  const changed = wordsChanged(move.line, text);
  if (changed !== undefined) return fail('copied', `${changed.changed} of ${changed.of} words changed`);
  const limit = Math.max(options.maxLineChars, Math.round(move.line.length * 1.25));
  if (text.length > limit) return fail('too_long', `${text.length} characters`);
  const meta = META.exec(text) ?? /[{}[\]<>*#]|\n/.exec(text);
  if (meta) return fail('meta_talk', `"${meta[0]}"`);
  if (breaksRole(move.role, text)) return fail('wrong_role', `the ${move.role} spoke as the other side`);
  // A listener's "mm-hm" stays one: the director drops backchannels from what the other side plans from, so a
  // question or a fact slipped into one would go unanswered.
  if ((move.kind === 'backchannel' || move.kind === 'interject') && (words.length > 5 || text.includes('?')))
    return fail(
      'off_move',
      `a backchannel of ${words.length} words${text.includes('?') ? ' with a question' : ''}`,
    );
  if (options.speakerFirstName && addressesSelf(text, options.speakerFirstName))
    return fail('wrong_role', `the ${move.role} addressed itself as ${options.speakerFirstName}`);

  const knownFigures = new Set(figures(known, true));
  const figure = figures(text).find((f) => !knownFigures.has(f));
  if (figure !== undefined) return fail('made_up_figure', figure);
  const email = [...text.matchAll(/[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g)].find((m) => !known.includes(m[0]));
  if (email) return fail('made_up_contact', email[0]);
  const id = [...text.matchAll(/\b(?=[A-Za-z-]*\d)(?=[\d-]*[A-Za-z])[A-Za-z0-9]+(?:-[A-Za-z0-9]+)+\b/g)].find(
    (m) => !known.includes(m[0]),
  );
  if (id) return fail('made_up_id', id[0]);
  const knownWords = new Set(
    (known.match(/\p{L}[\p{L}'-]*/gu) ?? []).flatMap((w) => [w, w.replace(/'s$/, '')]),
  );
  // A capitalised word inside a sentence is a name (or a place, a brand); the call must already know it.
  for (const sentence of text.split(/(?<=[.!?])\s+/))
    for (const [i, raw] of sentence.split(/\s+/).entries()) {
      if (/\d/.test(raw)) continue; // ids and figures are checked above
      const word = raw.replace(/^[^\p{L}]+|[^\p{L}'-]+$/gu, '').replace(/'s$/, '');
      if (!/^\p{Lu}/u.test(word) || knownWords.has(word)) continue;
      const name =
        i === 0
          ? (DATE_WORDS.has(word) || NAMES.has(word)) && !WORDS_NOT_NAMES.has(word)
          : !CAPITALISED_WORDS.has(word);
      if (name) return fail('made_up_name', word);
    }
  if (!move.end && GOODBYE.test(text) && !GOODBYE.test(move.line))
    return fail('premature_goodbye', GOODBYE.exec(text)?.[0] ?? '');
  const repeated = repeatsItself(text);
  if (repeated && !repeatsItself(move.line)) return fail('repetition', repeated);

  const own = contentWords(text);
  const planned = contentWords(move.line);
  if (options.lastHeard) {
    const heard = contentWords(options.lastHeard);
    const copied = overlap(own, heard);
    if (own.length >= 4 && copied >= 0.8 && overlap(own, planned) < copied)
      return fail('parrot', `${Math.round(copied * 100)}% of its words are the other side's`);
  }
  const kept = overlap(planned, own);
  if (planned.length >= 2 && kept < 0.34)
    return fail('off_move', `${Math.round(kept * 100)}% of the move's words`);
  if (words.length < move.line.split(/\s+/).length * 0.4) return fail('off_move', `${words.length} words`);
  // New words are fine (that is what rewording is); a line mostly of words neither the move nor the call has is not.
  const knownLower = known.toLowerCase();
  const novel = own.filter((w) => !knownLower.includes(w));
  if (own.length >= 4 && novel.length / own.length > 0.6)
    return fail('off_move', `${novel.length} of ${own.length} words are new to the call`);
  // The engine's quality gate would end the call on this line (a repeat of an earlier line, parroting, an apology
  // loop): a wording the gate refuses is no realization of the move, so it is asked for again instead.
  if (options.history) {
    const lines: GateLine[] = options.history
      .filter((m) => m.role !== 'system')
      .map((m) => ({
        turn: m.turn,
        role: m.role === 'assistant' ? move.role : otherRole(move.role),
        said: m.content,
      }));
    const verdict = assessCall([...lines, { turn: move.turn, role: move.role, said: text }]);
    if (!verdict.ok && assessCall([...lines, { turn: move.turn, role: move.role, said: move.line }]).ok)
      return fail('would_end_call', `${verdict.rule}: ${verdict.detail}`);
  }
  return { ok: true };
}
