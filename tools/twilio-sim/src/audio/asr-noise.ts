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
  const positions = choosePositions(words.length, errorCount, random);
  const counts = { substitutions: 0, deletions: 0, insertions: 0 };
  const out: string[] = [];
  words.forEach((word, index) => {
    if (!positions.has(index)) {
      out.push(word);
      return;
    }
    const edit = chooseEdit(random);
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
    counts.substitutions += 1;
    out.push(substitute(word, random));
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

function choosePositions(length: number, count: number, random: Random): Set<number> {
  const indices = Array.from({ length }, (_, i) => i);
  // Partial Fisher–Yates: the first `count` entries become a uniform sample without replacement.
  for (let i = 0; i < count; i += 1) {
    const j = i + Math.floor(random() * (length - i));
    const a = indices[i] ?? i;
    indices[i] = indices[j] ?? j;
    indices[j] = a;
  }
  return new Set(indices.slice(0, count));
}

/** Replaces the word core, keeping its capitalisation and surrounding punctuation. */
function substitute(token: string, random: Random): string {
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
    replaced = nearWord(core, random);
  }
  return `${lead}${replaced}${trail}`;
}

/** A near-sounding word for words not in the confusion list: a dropped or added ending, as recognisers do. */
function nearWord(core: string, random: Random): string {
  const lower = core.toLowerCase();
  const candidates: string[] = [];
  if (lower.endsWith('ed')) candidates.push(core.slice(0, -2));
  if (lower.endsWith('ing')) candidates.push(`${core.slice(0, -3)}in'`);
  if (lower.endsWith('s') && lower.length > 3) candidates.push(core.slice(0, -1));
  if (!lower.endsWith('s')) candidates.push(`${core}s`);
  if (lower.length > 4) candidates.push(core.slice(0, -1));
  return candidates[Math.floor(random() * candidates.length)] ?? `${core}s`;
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
