import { chance, pick, type Random } from '../random.js';
import type { ChatMessage, Role } from '../types.js';

/**
 * How people take turns on the phone, as the director decides it for every provider: a long line is said in parts,
 * the listener acknowledging each ("mm-hm", "okay") before the speaker goes on, and speakers hesitate ("um", "uh").
 * Recorded calls run at a median of 4–6 words a turn with 15–25% of turns of two words or fewer, and 1–3 filled
 * pauses per 100 words (issue 14); the scripted planner writes whole 20-word lines, which this cuts and roughens.
 */

/** The longest plan the planner makes, in turns: a split (two more turns) must leave it room under the cap. */
const LONGEST_PLAN_TURNS = 24;
const MIN_SPLIT_WORDS = 10;
const MIN_PART_WORDS = 3;
const SPLIT_CHANCE = 0.75;

const TENSE = new Set(['skeptical', 'impatient', 'frustrated', 'angry']);

const BACKCHANNELS: Record<Role | 'tense', readonly string[]> = {
  customer: [
    'Mm-hm.',
    'Okay.',
    'Yeah.',
    'Right.',
    'Uh-huh.',
    'Okay, yeah.',
    'Sure.',
    'Yes.',
    'Okay, got it.',
    'Yeah, go on.',
    'Right, okay, yeah.',
  ],
  tense: ['Okay.', 'Right.', 'Fine.', 'Yeah.', 'Mm.', 'Go on.', 'Okay, and?', 'Yeah, go on.'],
  agent: [
    'Mm-hm.',
    'Okay.',
    'I see.',
    'Right.',
    'Got it.',
    'Uh-huh.',
    'Oh, okay.',
    'Okay, I see.',
    'Right, go on.',
  ],
};

/** Per sentence, the chance a speaker hesitates in it. */
const FILLER_CHANCE: Record<Role, number> = { customer: 0.3, agent: 0.12 };
const FILLERS = ['um', 'uh', 'uh', 'um'];

function wordCount(text: string): number {
  return text.split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w)).length;
}

/** Sentences of a line; a figure's decimal point or an abbreviation's is no boundary (a capital must follow). */
function sentences(text: string): string[] {
  return text
    .trim()
    .split(/(?<=[.!?])\s+(?=["'(]?[A-Z0-9$])/)
    .filter((s) => s !== '');
}

/**
 * Where to stop a line and let the other side acknowledge it: at a sentence boundary leaving at least a few words on
 * each side, chosen at random; null when the line is said in one go.
 */
export function splitLine(text: string, random: Random): [string, string] | null {
  if (wordCount(text) < MIN_SPLIT_WORDS || !chance(random, SPLIT_CHANCE)) return null;
  const parts = sentences(text);
  const cuts: number[] = [];
  for (let i = 1; i < parts.length; i++) {
    const head = parts.slice(0, i).join(' ');
    const tail = parts.slice(i).join(' ');
    if (wordCount(head) >= MIN_PART_WORDS && wordCount(tail) >= MIN_PART_WORDS) cuts.push(i);
  }
  if (cuts.length === 0) return null;
  const at = pick(random, cuts);
  return [parts.slice(0, at).join(' '), parts.slice(at).join(' ')];
}

/** Whether the call has room for two more turns (the part said now, the acknowledgement) under its turn cap. */
export function roomToSplit(turn: number, splitsSoFar: number, maxTurns: number): boolean {
  const planned = turn - 2 * splitsSoFar;
  return turn + 2 + Math.max(0, LONGEST_PLAN_TURNS - planned) < maxTurns;
}

/** The listener's acknowledgement while the other side is mid-way through what it has to say. */
export function backchannel(role: Role, mood: string | null, random: Random): string {
  const key = role === 'customer' && mood !== null && TENSE.has(mood) ? 'tense' : role;
  return pick(random, BACKCHANNELS[key]);
}

/**
 * Filled pauses: in some sentences an "um" or "uh" between two plain lower-case words, so no name, figure or id is
 * ever split (the ground truth locates PII in the final words).
 */
export function withFillers(text: string, role: Role, random: Random): string {
  return sentences(text)
    .map((sentence) => {
      if (!chance(random, FILLER_CHANCE[role])) return sentence;
      const words = sentence.split(' ');
      const gaps: number[] = [];
      for (let i = 1; i < words.length - 1; i++)
        if (/^[a-z]+$/.test(words[i - 1] ?? '') && /^[a-z]+$/.test(words[i] ?? '')) gaps.push(i);
      if (gaps.length === 0) return sentence;
      const at = pick(random, gaps);
      return [
        ...words.slice(0, at - 1),
        `${words[at - 1]},`,
        `${pick(random, FILLERS)},`,
        ...words.slice(at),
      ].join(' ');
    })
    .join(' ');
}

/**
 * The history as the planner reads it: acknowledgements left out and a line said in parts joined again, so a caller's
 * account number said before the agent's "mm-hm" is still in what the agent heard.
 */
export function plannerHistory(
  history: readonly ChatMessage[],
  backchannels: readonly number[],
  continuations: readonly number[],
): ChatMessage[] {
  const skip = new Set(backchannels);
  const joins = new Set(continuations);
  const out: ChatMessage[] = [];
  for (const m of history) {
    if (skip.has(m.turn)) continue;
    const last = out.at(-1);
    if (joins.has(m.turn) && last && last.role === m.role) {
      out[out.length - 1] = { ...last, content: `${last.content} ${m.content}`.trim(), turn: m.turn };
      continue;
    }
    out.push(m);
  }
  return out;
}

/**
 * Cutting in: on some lines the listener does not wait for the end. It says, with the line before, that it will cut
 * into the other side's next line after `afterSec` seconds of it (the gateway's Gather stops listening then and the
 * other side's line is said in a barge-in Gather, so the interjection stops it). Real calls have overlapping talk in a
 * good share of calls; the chance per line is set so that 10–30% of calls have a line actually cut (a line shorter
 * than `afterSec` is heard out, and then nothing is cut).
 */
const CUT_IN_CHANCE = 0.025;
const CUT_IN_AFTER_SEC = [2, 3, 3, 4] as const;

export function cutInAfter(random: Random): number | null {
  return chance(random, CUT_IN_CHANCE) ? pick(random, CUT_IN_AFTER_SEC) : null;
}

const INTERJECTIONS: Record<Role | 'tense', readonly string[]> = {
  customer: [
    'Yes, yes.',
    'Sorry, sorry.',
    'Right, right.',
    'Oh, okay.',
    'Yeah, yeah.',
    'Okay, sure.',
    'Sorry, go on.',
  ],
  tense: ['Yes, I know.', 'Okay, okay.', 'Right, I get it.', 'Yeah, yeah.', 'Hang on.', 'Wait.'],
  agent: ['Okay.', 'Sorry, go ahead.', 'Right, right.', 'Mm-hm, yes.', 'Oh, I see.', 'Sorry.'],
};

/** What a listener says over the other side's line when it cuts in (it does not take the floor: the line goes on). */
export function interjection(role: Role, mood: string | null, random: Random): string {
  const key = role === 'customer' && mood !== null && TENSE.has(mood) ? 'tense' : role;
  return pick(random, INTERJECTIONS[key]);
}

const RESUMPTIONS = ['Sorry', 'Yes, sorry', 'Right, so', 'As I was saying', 'Okay, so'];

/**
 * What a speaker cut off says next: a word of resumption, then the clause it was cut in, from its start (a name or a
 * figure cut in two is said whole), and the rest of the line. `said` is what it got out before the cut, `rest` the
 * words it did not say.
 */
export function resumption(said: string, rest: string, random: Random): string {
  const boundary = Math.max(
    ...[...said.matchAll(/[,;:.!?]["')\]]*\s/g)].map((m) => m.index + m[0].length),
    0,
  );
  const restart = `${said.slice(boundary)} ${rest}`.trim();
  const lead = pick(random, RESUMPTIONS);
  // A restart that begins a sentence keeps its capital; one inside a sentence goes on after a comma.
  return /^["'(]?[A-Z0-9$]/.test(restart) && !/^I\b/.test(restart)
    ? `${lead}. ${restart}`
    : `${lead}, ${restart}`;
}
