/**
 * How long a `<Say>` takes. A words-per-minute rate per voice, converted to a per-syllable time so that "I" and
 * "unfortunately" do not take the same time, plus pauses after punctuation. Pure and deterministic.
 */

/** Speaking rates (words per minute) of the Polly voices we use; measured TTS rates sit between ~150 and ~175. */
const POLLY_WPM: Readonly<Record<string, number>> = {
  joanna: 165,
  matthew: 160,
  salli: 170,
  kimberly: 168,
  kendra: 162,
  ivy: 172,
  justin: 170,
  joey: 158,
  kevin: 170,
  ruth: 163,
  stephen: 160,
  danielle: 165,
  gregory: 155,
  amy: 160,
  emma: 162,
  brian: 155,
  arthur: 152,
  olivia: 158,
  aria: 162,
  ayanda: 160,
  nicole: 158,
  russell: 155,
  raveena: 165,
  kajal: 165,
  geraint: 150,
};

/** Twilio's own legacy voices. */
const BASIC_WPM: Readonly<Record<string, number>> = { man: 155, woman: 160, alice: 158 };

/** Used for voices we have no figure for (Google voices, unknown Polly names). */
export const DEFAULT_WPM = 160;

/** An average English word has ~1.5 syllables; the rate tables above are in words. */
const SYLLABLES_PER_WORD = 1.5;

/** Pause (seconds) after a word ending in this punctuation. */
const PAUSES: ReadonlyArray<readonly [RegExp, number]> = [
  [/(\.\.\.|…)$/, 0.45],
  [/[.!?]["')\]]*$/, 0.5],
  [/[;:]["')\]]*$/, 0.35],
  [/[,]["')\]]*$/, 0.25],
  [/[-–—]$/, 0.3],
];

export interface WordTiming {
  /** The word as written, punctuation included. */
  word: string;
  startSec: number;
  endSec: number;
}

/**
 * Words per minute for a Twilio `<Say voice>` value: `Polly.Joanna`, `Polly.Joanna-Neural`, `man`, `Google.…`.
 * Neural and generative Polly voices speak about 3% faster than the standard engine.
 */
export function wordsPerMinute(voice: string | undefined): number {
  if (voice === undefined || voice === '') return DEFAULT_WPM;
  const basic = BASIC_WPM[voice.toLowerCase()];
  if (basic !== undefined) return basic;
  const polly = /^polly\.([a-z]+)(?:-(neural|generative|long-form))?$/i.exec(voice);
  if (polly?.[1] !== undefined) {
    const base = POLLY_WPM[polly[1].toLowerCase()] ?? DEFAULT_WPM;
    return polly[2] === undefined ? base : Math.round(base * 1.03);
  }
  return DEFAULT_WPM;
}

/** Syllables as spoken: digits are read one by one, "@" as "at", "." inside a token as "dot". */
export function spokenSyllables(token: string): number {
  const lower = token.toLowerCase();
  let syllables = 0;
  for (const digit of lower.match(/\d/g) ?? []) syllables += digit === '7' ? 2 : 1;
  syllables += (lower.match(/@/g) ?? []).length;
  syllables += (lower.match(/[a-z0-9]\.[a-z0-9]/g) ?? []).length;
  for (const letters of lower.match(/[a-z']+/g) ?? []) syllables += wordSyllables(letters);
  return Math.max(1, syllables);
}

function wordSyllables(word: string): number {
  const bare = word.replace(/'/g, '');
  if (bare.length <= 3) return 1;
  // Silent final "e" ("rate") does not add a vowel group; "-le" after a consonant ("table") does.
  const trimmed = bare
    .replace(/([^laeiouy])e$/, '$1')
    .replace(/([^td])ed$/, '$1d')
    .replace(/([^scxzhg])es$/, '$1s')
    .replace(/^y/, '');
  const groups = trimmed.match(/[aeiouy]+/g)?.length ?? 0;
  return Math.max(1, groups);
}

function pauseAfter(word: string): number {
  for (const [pattern, seconds] of PAUSES) if (pattern.test(word)) return seconds;
  return 0;
}

function tokens(text: string): string[] {
  return text.split(/\s+/).filter((t) => /[\p{L}\p{N}@]/u.test(t));
}

/**
 * Per-word start and end times, starting at `startSec`. Pauses after punctuation fall between words; a trailing
 * pause after the last word is not included (the next turn decides when it starts).
 */
export function wordTimings(text: string, voice: string | undefined, startSec = 0): WordTiming[] {
  const secondsPerSyllable = 60 / (wordsPerMinute(voice) * SYLLABLES_PER_WORD);
  const out: WordTiming[] = [];
  let t = startSec;
  for (const word of tokens(text)) {
    const endSec = t + spokenSyllables(word) * secondsPerSyllable;
    out.push({ word, startSec: round3(t), endSec: round3(endSec) });
    t = endSec + pauseAfter(word);
  }
  return out;
}

/** Seconds the voice needs to say `text`, from the first word's start to the last word's end. */
export function speakingSeconds(text: string, voice: string | undefined): number {
  const timings = wordTimings(text, voice, 0);
  return timings.at(-1)?.endSec ?? 0;
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}

/**
 * How long after the other side starts talking a `<Say>` nested in `<Gather bargeIn="true">` stops: the speech
 * detector needs some speech before it fires, so the two voices overlap this long. Twilio documents no figure; a
 * quarter to a half second is what telephone voice-activity detectors take. twilio-sim stops a barged-in line after
 * this, and the conversation engine labels what was said before the cut by the same figure.
 */
export const BARGE_IN_STOP_SEC = 0.3;

/**
 * What of `text` a voice said when it was stopped `seconds` after it started: every word begun by then is finished
 * (the cut falls between words), the rest is not said. `said` is a prefix of `text` (character offsets in it hold),
 * `rest` the words after it; `said` is the whole line when the voice was done by then.
 */
export function spokenBefore(
  text: string,
  voice: string | undefined,
  seconds: number,
): { said: string; rest: string } {
  const timings = wordTimings(text, voice, 0);
  const spoken = timings.filter((t) => t.startSec < seconds).length;
  if (spoken >= timings.length) return { said: text, rest: '' };
  // The spoken words are the first `spoken` of the tokens wordTimings times, in the order they stand in the text.
  let counted = 0;
  let end = 0;
  for (const m of text.matchAll(/\S+/g)) {
    if (!/[\p{L}\p{N}@]/u.test(m[0])) continue;
    if (counted === spoken) break;
    counted++;
    end = m.index + m[0].length;
  }
  return { said: text.slice(0, end), rest: text.slice(end).trim() };
}
