/// <reference path="../popular-english-words.d.ts" />
// The declaration travels with the import: packages that compile this file from source (the orchestrator, the CLI)
// do not include twilio-sim's own .d.ts files.

import { spokenForm } from '@synthcall/spoken-form';
import { words as popularWords } from 'popular-english-words/words.js';
import type { Random } from './random.js';

/**
 * A deterministic model of speech-recognition errors, used to turn what one leg said into the `SpeechResult` the
 * other leg's `<Gather>` hears. The confusion lists below generate plausible noise; nothing here analyses text.
 */

export interface AsrNoiseOptions {
  /** Target word error rate, (substitutions + deletions + insertions) / reference words, in [0, 1]. */
  wordErrorRate: number;
  random: Random;
}

export interface AsrResult {
  /** What the recogniser returned. Equal to the input when no error was drawn. */
  heard: string;
  /** Twilio's `Confidence`, 0–1; lower when more errors were made. */
  confidence: number;
  substitutions: number;
  deletions: number;
  insertions: number;
}

/** Words a recogniser confuses on a phone line: homophones and near sounds, both directions. */
const CONFUSIONS: ReadonlyArray<readonly string[]> = [
  ['to', 'too', 'two'],
  ['for', 'four'],
  ['there', 'their', "they're"],
  ['your', "you're"],
  ['its', "it's"],
  ['hear', 'here'],
  ['know', 'no'],
  ['right', 'write'],
  ['by', 'buy', 'bye'],
  ['new', 'knew'],
  ['week', 'weak'],
  ['would', 'wood'],
  ['one', 'won'],
  ['eight', 'ate'],
  ['fifteen', 'fifty'],
  ['thirteen', 'thirty'],
  ['can', "can't"],
  ['account', 'count'],
  ['bill', 'build'],
  ['billing', 'building'],
  ['charge', 'change'],
  ['charged', 'changed'],
  ['order', 'border'],
  ['refund', 'refunds'],
  ['cancel', 'counsel'],
  ['plan', 'plane'],
  ['card', 'cart'],
  ['late', 'laid'],
  ['fee', 'free'],
  ['help', 'health'],
  ['number', 'numbers'],
  ['email', 'e-mail'],
  ['problem', 'problems'],
  ['the', 'a'],
  ['and', 'an'],
  ['this', 'these'],
  ['that', 'at'],
  ['was', 'is'],
  ['five', 'nine'],
  ['three', 'tree'],
  ['six', 'sticks'],
  ['thanks', 'banks'],
  ['okay', 'ok'],
];

const CONFUSION_INDEX: ReadonlyMap<string, readonly string[]> = new Map(
  CONFUSIONS.flatMap((group) => group.map((word) => [word, group.filter((w) => w !== word)] as const)),
);

/** Digits a recogniser mixes up on narrowband audio. */
const DIGIT_CONFUSIONS: Readonly<Record<string, string>> = {
  '0': '8',
  '1': '7',
  '2': '3',
  '3': '2',
  '4': '1',
  '5': '9',
  '6': '5',
  '7': '1',
  '8': '0',
  '9': '5',
};

/** Short words a recogniser hallucinates in breaths and line noise. */
const INSERTIONS: readonly string[] = ['uh', 'um', 'the', 'a', 'and', 'so', 'I', 'yeah', 'oh'];

type Edit = 'substitute' | 'delete' | 'insert';

/**
 * Applies recognition errors to `text` at the requested word error rate. The number of errors is
 * `wordErrorRate × words`, rounded stochastically, so the realised rate matches on average and is never far off
 * for one utterance; their positions and kinds come from `random`. Same `random` state, same result.
 */
export function applyAsrNoise(text: string, options: AsrNoiseOptions): AsrResult {
  const { random } = options;
  const wer = Math.min(1, Math.max(0, options.wordErrorRate));
  const words = text.split(/\s+/).filter((w) => w !== '');
  if (words.length === 0) return { heard: '', confidence: 0, substitutions: 0, deletions: 0, insertions: 0 };

  const exact = wer * words.length;
  const errorCount = Math.min(
    words.length,
    Math.floor(exact) + (random() < exact - Math.floor(exact) ? 1 : 0),
  );
  const positions = choosePositions(words.map(errorWeight), errorCount, random);
  const counts = { substitutions: 0, deletions: 0, insertions: 0 };
  const out: string[] = [];
  words.forEach((word, index) => {
    if (!positions.has(index)) {
      out.push(word);
      return;
    }
    let edit = chooseEdit(random);
    if (edit !== 'substitute' && /\d/.test(word)) {
      // A figure is said in several words: a recogniser loses a digit of an id, not the whole id, and mishears an
      // amount or a time rather than losing it or hearing a word inside it.
      if (
        edit === 'delete' &&
        /^[^\p{L}\p{N}]*[A-Z0-9-]*\d[A-Z0-9-]*\d[A-Z0-9-]*\d[A-Z0-9-]*\d[A-Z0-9-]*[^\p{L}\p{N}]*$/u.test(word)
      ) {
        counts.deletions += 1;
        out.push(word.replace(/\d(?!.*\d)/, ''));
        return;
      }
      edit = 'substitute';
    }
    if (edit === 'delete' && words.length > 1) {
      counts.deletions += 1;
      return;
    }
    if (edit === 'insert') {
      counts.insertions += 1;
      const filler = INSERTIONS[Math.floor(random() * INSERTIONS.length)] ?? 'uh';
      out.push(filler, word);
      return;
    }
    const replaced = substitute(word, random);
    // A word with no near-sounding word to be taken for is lost, as a recogniser drops what it cannot make out.
    if (replaced === null && words.length > 1) {
      counts.deletions += 1;
      return;
    }
    counts.substitutions += 1;
    out.push(replaced ?? word);
  });

  const realised = (counts.substitutions + counts.deletions + counts.insertions) / words.length;
  // Clean recognitions score 0.85–0.97; every error pulls the score down, with jitter so it is a signal, not a code.
  const jitter = (random() - 0.5) * 0.08;
  const confidence = clamp(0.93 - 0.9 * realised + jitter, 0.05, 0.99);
  return { heard: out.join(' '), confidence: Math.round(confidence * 1e4) / 1e4, ...counts };
}

function chooseEdit(random: Random): Edit {
  const r = random();
  if (r < 0.6) return 'substitute';
  if (r < 0.85) return 'delete';
  return 'insert';
}

/**
 * Where errors fall: names, numbers and rare words are misheard more often than common words (a recogniser's language
 * model backs the frequent ones up).
 */
function errorWeight(token: string, index: number): number {
  const core = token.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '');
  // A figure is said in several words ("TC-88213007" in ten), each of them misheard more often than a common word.
  if (/\d/.test(core)) return 2 * spokenForm(core).split(' ').length;
  if (index > 0 && core.length > 1 && /^\p{Lu}/u.test(core)) return 3;
  // A common word nothing sounds near is rarely misheard as something (it can only be lost).
  if (!CONFUSION_INDEX.has(core.toLowerCase()) && nearWords(core.toLowerCase()).length === 0) return 0.25;
  return commonRank(core.toLowerCase()) < COMMON_WORDS ? 1 : 2;
}

function choosePositions(weights: readonly number[], count: number, random: Random): Set<number> {
  // Weighted sampling without replacement: each draw picks among the positions left in proportion to their weight.
  const left = weights.map((w, i) => ({ w, i }));
  const chosen = new Set<number>();
  for (let k = 0; k < count && left.length > 0; k += 1) {
    let r = random() * left.reduce((sum, x) => sum + x.w, 0);
    let at = left.findIndex((x) => {
      r -= x.w;
      return r < 0;
    });
    if (at < 0) at = left.length - 1;
    chosen.add((left[at] as { i: number }).i);
    left.splice(at, 1);
  }
  return chosen;
}

/** Replaces the word core, keeping its capitalisation and surrounding punctuation; null when no word sounds near. */
function substitute(token: string, random: Random): string | null {
  const match = /^([^\p{L}\p{N}]*)(.*?)([^\p{L}\p{N}]*)$/u.exec(token);
  const lead = match?.[1] ?? '';
  const core = match?.[2] ?? token;
  const trail = match?.[3] ?? '';
  if (core === '') return token;
  const options = CONFUSION_INDEX.get(core.toLowerCase());
  let replaced: string;
  if (options !== undefined && options.length > 0) {
    replaced = matchCase(core, options[Math.floor(random() * options.length)] ?? core);
  } else if (/\d/.test(core)) {
    const digits = [...core].map((c, i) => ({ c, i })).filter(({ c }) => /\d/.test(c));
    const target = digits[Math.floor(random() * digits.length)];
    replaced =
      target === undefined
        ? core
        : core.slice(0, target.i) + (DIGIT_CONFUSIONS[target.c] ?? target.c) + core.slice(target.i + 1);
  } else {
    const near = nearWords(core.toLowerCase());
    if (near.length === 0) return null;
    replaced = matchCase(core, near[Math.floor(random() * near.length)] ?? core);
  }
  return `${lead}${replaced}${trail}`;
}

/** A recogniser outputs words of its vocabulary: the most frequent English words stand in for it. */
const VOCABULARY_SIZE = 50_000;
/** Words this frequent are backed by the language model and misheard less. */
const COMMON_WORDS = 5_000;
let ranks: ReadonlyMap<string, number> | undefined;
function commonRank(word: string): number {
  ranks ??= new Map(popularWords.slice(0, VOCABULARY_SIZE).map((w, i) => [w, i] as const));
  return ranks.get(word) ?? Number.POSITIVE_INFINITY;
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';
const NEAR_CHOICES = 3;

/**
 * Vocabulary words one letter-edit away, those keeping the first letter first (a recogniser hears the onset best),
 * else rhymes: "heater" → "heather", "winter" → "winner", "calling" → "falling"; none for a name such as "Jerome"
 * (then the word is dropped). Sorted, so a seed picks the same one.
 */
const nearCache = new Map<string, string[]>();
function nearWords(word: string): string[] {
  const cached = nearCache.get(word);
  if (cached) return cached;
  // Bounded: a long-running sim hears an open vocabulary.
  if (nearCache.size > 20_000) nearCache.clear();
  const near = findNearWords(word);
  nearCache.set(word, near);
  return near;
}

function findNearWords(word: string): string[] {
  if (word.length < 2 || !/^[a-z]+$/.test(word)) return [];
  const sameOnset = new Set<string>();
  const rhymes = new Set<string>();
  const consider = (w: string) => {
    if (w === word || commonRank(w) >= VOCABULARY_SIZE) return;
    (w[0] === word[0] ? sameOnset : rhymes).add(w);
  };
  for (let i = 0; i < word.length; i += 1) {
    consider(word.slice(0, i) + word.slice(i + 1));
    for (const c of LETTERS) {
      consider(word.slice(0, i) + c + word.slice(i));
      consider(word.slice(0, i) + c + word.slice(i + 1));
    }
  }
  for (const c of LETTERS) consider(word + c);
  // The likeliest confusions are the frequent words: a recogniser's language model prefers them.
  return [...(sameOnset.size > 0 ? sameOnset : rhymes)]
    .sort((a, b) => commonRank(a) - commonRank(b))
    .slice(0, NEAR_CHOICES);
}

function matchCase(model: string, word: string): string {
  if (model.length > 1 && model === model.toUpperCase()) return word.toUpperCase();
  const first = model[0];
  if (first !== undefined && first === first.toUpperCase() && first !== first.toLowerCase()) {
    return word.charAt(0).toUpperCase() + word.slice(1);
  }
  return word;
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
