import { cardinal, DIGITS, digitByDigit, MONTHS, ordinal, year } from './numbers.js';

const money = (whole: string, cents: string | undefined): string => {
  const dollars = Number(whole.replace(/,/g, ''));
  const c = cents === undefined ? 0 : Number(cents);
  const d = dollars === 0 && c > 0 ? '' : `${cardinal(dollars)} ${dollars === 1 ? 'dollar' : 'dollars'}`;
  const ct = c === 0 ? '' : `${cardinal(c)} ${c === 1 ? 'cent' : 'cents'}`;
  return d && ct ? `${d} and ${ct}` : d || ct;
};

const hourMinutes = (h: string, m: string | undefined): string => {
  const minutes = m === undefined ? 0 : Number(m);
  if (minutes === 0) return cardinal(Number(h));
  return `${cardinal(Number(h))} ${minutes < 10 ? `oh ${DIGITS[minutes]}` : cardinal(minutes)}`;
};

/** A plain run of digits: a year, an amount-like number, or an id read digit by digit. */
const digitRun = (digits: string): string => {
  const n = Number(digits);
  if (digits.length === 4 && n >= 1900 && n <= 2099) return year(n);
  if (digits.length >= 4 || digits.startsWith('0')) return digitByDigit(digits);
  return cardinal(n);
};

/** An id read out: letters spelled, digits one by one, dashes said ("T C dash eight eight…"). */
const code = (value: string): string =>
  value
    .split('-')
    .map((part) =>
      [...part.matchAll(/[A-Za-z]|\d+/g)]
        .map(([p]) => (/\d/.test(p) ? digitByDigit(p) : p.toUpperCase()))
        .join(' '),
    )
    .join(' dash ');

const emailPart = (part: string): string =>
  part
    .split(/([._-])/)
    .map((p) =>
      p === '.'
        ? 'dot'
        : p === '_'
          ? 'underscore'
          : p === '-'
            ? 'dash'
            : p.replace(/\d+/g, (d) => ` ${digitByDigit(d)} `).trim(),
    )
    .filter((p) => p !== '')
    .join(' ');

/**
 * Rewrites, in order, what a written line holds in figures; each rewrite leaves no digit behind, so a later pattern
 * never reads an earlier one's words.
 */
const RULES: ReadonlyArray<readonly [RegExp, (...groups: string[]) => string]> = [
  // Emails: "dana dot whitfield at example dot com".
  [
    /\b([A-Za-z0-9][A-Za-z0-9._-]*)@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})\b/g,
    (_, local = '', domain = '') => `${emailPart(local.toLowerCase())} at ${emailPart(domain.toLowerCase())}`,
  ],
  // ISO dates (a date of birth as a persona holds it): "March fourteenth, nineteen eighty six".
  [
    /\b(\d{4})-(\d{2})-(\d{2})\b/g,
    (_, y = '', m = '', d = '') => `${MONTHS[Number(m) - 1] ?? ''} ${ordinal(Number(d))}, ${year(Number(y))}`,
  ],
  // Phone numbers in E.164: "plus one three one two…".
  [/\+(\d{7,15})\b/g, (_, digits = '') => `plus ${digitByDigit(digits)}`],
  // Amounts: "two hundred two dollars and fourteen cents".
  [/\$(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{2}))?(?!\d)/g, (_, whole = '', cents) => money(whole, cents)],
  // Times: "eight oh four a m", "six p m", "five o'clock". A dot after the m is the abbreviation's ("a.m. on") only
  // where the sentence goes on in lower case; otherwise it ends the sentence and stays ("by 3 pm. I have…").
  [
    /\b(\d{1,2}):(\d{2})(?:\s?([apAP])\.?[mM]\b(?:\.(?=\s+[a-z0-9]))?)?/g,
    (_, h = '', m = '', ap) =>
      ap
        ? `${hourMinutes(h, m)} ${ap.toLowerCase()} m`
        : m === '00'
          ? `${cardinal(Number(h))} o'clock`
          : hourMinutes(h, m),
  ],
  [
    /\b(\d{1,2})\s?([apAP])\.?[mM]\b(?:\.(?=\s+[a-z0-9]))?/g,
    (_, h = '', ap = '') => `${cardinal(Number(h))} ${ap.toLowerCase()} m`,
  ],
  // Percentages and decimals: "four point two one percent".
  [
    /\b(\d+)(?:\.(\d+))?%/g,
    (_, whole = '', frac) =>
      `${cardinal(Number(whole))}${frac ? ` point ${digitByDigit(frac)}` : ''} percent`,
  ],
  [
    /\b(\d+)\.(\d+)\b/g,
    (_, whole = '', frac = '') => `${cardinal(Number(whole))} point ${digitByDigit(frac)}`,
  ],
  // Ordinals: "the 18th" → "the eighteenth".
  [/\b(\d{1,3})(?:st|nd|rd|th)\b/gi, (_, n = '') => ordinal(Number(n))],
  // Ids and codes: letters with digits, or digit groups joined by dashes ("BW-40718823", "QX7L2M", "2290-4471").
  [
    /(?<![\w-])(?=[A-Z0-9-]*\d)(?:[A-Z]+\d[A-Z0-9]*|\d+[A-Z][A-Z0-9]*|[A-Z0-9]+(?:-[A-Z0-9]+)+)(?![\w-])/g,
    (value) => code(value),
  ],
  // Numbers with thousands separators: "one thousand two hundred forty".
  [/\b\d{1,3}(?:,\d{3})+\b/g, (n) => cardinal(Number(n.replace(/,/g, '')))],
  // Any other run of digits, inside a word too ("16-year-old" → "sixteen-year-old").
  [/\d+/g, (digits) => digitRun(digits)],
];

/**
 * A line as a caller says its figures and a recogniser writes them: ids and phone numbers digit by digit with their
 * letters spelled, amounts in dollars and cents, times, dates, years, percentages and plain numbers in words, emails
 * with "dot" and "at". Words are left as they are; the result holds no digit.
 */
export function spokenForm(text: string): string {
  let out = text;
  for (const [pattern, say] of RULES) out = out.replace(pattern, (...args) => say(...(args as string[])));
  return out;
}
