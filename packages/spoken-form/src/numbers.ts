/** Number words as an American caller says them and an unformatted recogniser writes them ("twenty one", no hyphen). */

export const DIGITS = [
  'zero',
  'one',
  'two',
  'three',
  'four',
  'five',
  'six',
  'seven',
  'eight',
  'nine',
] as const;
const TEENS = [
  'ten',
  'eleven',
  'twelve',
  'thirteen',
  'fourteen',
  'fifteen',
  'sixteen',
  'seventeen',
  'eighteen',
  'nineteen',
] as const;
const TENS = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'] as const;
const SCALES: ReadonlyArray<readonly [string, number]> = [
  ['billion', 1e9],
  ['million', 1e6],
  ['thousand', 1e3],
];
export const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
] as const;

/** 0–999,999,999,999 in words: 1240 → "one thousand two hundred forty". */
export function cardinal(n: number): string {
  if (n < 10) return DIGITS[n] as string;
  if (n < 20) return TEENS[n - 10] as string;
  if (n < 100)
    return n % 10 === 0 ? (TENS[n / 10] as string) : `${TENS[Math.floor(n / 10)]} ${DIGITS[n % 10]}`;
  if (n < 1000) {
    const rest = n % 100;
    return `${DIGITS[Math.floor(n / 100)]} hundred${rest === 0 ? '' : ` ${cardinal(rest)}`}`;
  }
  for (const [word, size] of SCALES) {
    if (n >= size) {
      const rest = n % size;
      return `${cardinal(Math.floor(n / size))} ${word}${rest === 0 ? '' : ` ${cardinal(rest)}`}`;
    }
  }
  return String(n);
}

const ORDINAL_OF: Readonly<Record<string, string>> = {
  one: 'first',
  two: 'second',
  three: 'third',
  five: 'fifth',
  eight: 'eighth',
  nine: 'ninth',
  twelve: 'twelfth',
};

/** 21 → "twenty first". */
export function ordinal(n: number): string {
  const words = cardinal(n).split(' ');
  const last = words.pop() as string;
  const own = ORDINAL_OF[last] ?? (last.endsWith('y') ? `${last.slice(0, -1)}ieth` : `${last}th`);
  return [...words, own].join(' ');
}

/** A year as said: 1986 → "nineteen eighty six", 2005 → "two thousand five", 1905 → "nineteen oh five". */
export function year(n: number): string {
  const century = Math.floor(n / 100);
  const rest = n % 100;
  if (n >= 2000 && n < 2010) return cardinal(n);
  if (rest === 0) return `${cardinal(century)} hundred`;
  return `${cardinal(century)} ${rest < 10 ? `oh ${DIGITS[rest]}` : cardinal(rest)}`;
}

/** Digit by digit, as ids and phone numbers are read: "0394" → "zero three nine four". */
export function digitByDigit(digits: string): string {
  return [...digits].map((d) => DIGITS[Number(d)] as string).join(' ');
}

// ------------------------------------------------------------------------------------------------ reading words

export type NumberWord =
  | { kind: 'unit'; value: number }
  | { kind: 'teen'; value: number }
  | { kind: 'tens'; value: number }
  | { kind: 'hundred' }
  | { kind: 'scale'; value: number };

const WORDS: ReadonlyMap<string, NumberWord> = new Map<string, NumberWord>([
  ...DIGITS.map((w, value): [string, NumberWord] => [w, { kind: 'unit', value }]),
  ...TEENS.map((w, i): [string, NumberWord] => [w, { kind: 'teen', value: 10 + i }]),
  ...TENS.flatMap(
    (w, i): Array<[string, NumberWord]> => (w === '' ? [] : [[w, { kind: 'tens', value: i * 10 }]]),
  ),
  ['hundred', { kind: 'hundred' }],
  ...SCALES.map(([w, value]): [string, NumberWord] => [w, { kind: 'scale', value }]),
]);

export function numberWord(word: string): NumberWord | undefined {
  return WORDS.get(word.toLowerCase());
}

/** A digit said on its own: "zero"…"nine", and "oh" where a digit is expected. */
export function digitOf(word: string, ohIsZero: boolean): number | undefined {
  const w = word.toLowerCase();
  if (w === 'oh' || w === 'o') return ohIsZero ? 0 : undefined;
  const i = (DIGITS as readonly string[]).indexOf(w);
  return i < 0 ? undefined : i;
}

/**
 * The longest cardinal read from `words` at `from`: "one thousand two hundred forty" → 1240. Stops where the words
 * stop making one number ("eight fifty" is two numbers, a time's hour and minutes).
 */
export function readCardinal(words: readonly string[], from: number): { value: number; end: number } | null {
  let total = 0;
  let group = 0;
  let last: NumberWord['kind'] | 'none' | 'tens+unit' = 'none';
  let end = from;
  let lastScale = Number.POSITIVE_INFINITY;
  for (let i = from; i < words.length; i++) {
    const w = numberWord(words[i] as string);
    if (w === undefined) break;
    const fresh = last === 'none' || last === 'hundred' || last === 'scale';
    if (w.kind === 'unit' && (fresh || (last === 'tens' && group % 10 === 0))) {
      if (w.value === 0 && last !== 'none') break;
      group += w.value;
      last = last === 'tens' ? 'tens+unit' : 'unit';
    } else if ((w.kind === 'teen' || w.kind === 'tens') && fresh) {
      group += w.value;
      last = w.kind;
    } else if (w.kind === 'hundred' && (last === 'unit' || last === 'teen') && group > 0 && group < 100) {
      group *= 100;
      last = 'hundred';
    } else if (w.kind === 'scale' && last !== 'scale' && group > 0 && w.value < lastScale) {
      total += group * w.value;
      group = 0;
      lastScale = w.value;
      last = 'scale';
    } else break;
    end = i + 1;
  }
  return end === from ? null : { value: total + group, end };
}
