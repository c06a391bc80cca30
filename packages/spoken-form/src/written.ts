import { digitOf, MONTHS, numberWord, ordinal, readCardinal } from './numbers.js';

/** A recogniser's text with its figures written back, and where each written character came from. */
export interface WrittenText {
  text: string;
  /** The span of the spoken text that the written span [start, end) came from. */
  toSpoken(start: number, end: number): { start: number; end: number };
}

interface Token {
  /** The word without the punctuation around it. */
  word: string;
  /** Offsets of the whole token (punctuation included) in the spoken text. */
  start: number;
  end: number;
  /** Offsets of `word`. */
  wordStart: number;
  wordEnd: number;
  /** Punctuation after the word: a comma or a full stop ends a figure. */
  trail: string;
}

function tokenize(text: string): Token[] {
  return [...text.matchAll(/\S+/g)].map((m) => {
    const raw = m[0];
    const lead = /^[("'“]*/.exec(raw)?.[0] ?? '';
    const trail = /[.,;:?!)"'”]*$/.exec(raw.slice(lead.length))?.[0] ?? '';
    const word = raw.slice(lead.length, raw.length - trail.length);
    return {
      word,
      start: m.index,
      end: m.index + raw.length,
      wordStart: m.index + lead.length,
      wordEnd: m.index + lead.length + word.length,
      trail,
    };
  });
}

/** A figure read from tokens [from, end): its written form. */
interface Read {
  end: number;
  written: string;
}

type Reader = (t: readonly Token[], from: number) => Read | null;

const lower = (t: Token | undefined) => t?.word.toLowerCase() ?? '';
/** Whether a figure may go on past token i (a comma or a full stop after it ends the figure). */
const open = (t: readonly Token[], i: number) => t[i] !== undefined && (t[i] as Token).trail === '';

/** A cardinal that ends before a token with punctuation inside it. */
function cardinalAt(t: readonly Token[], from: number): { value: number; end: number } | null {
  let stop = from;
  while (stop < t.length && numberWord(lower(t[stop])) !== undefined) {
    stop++;
    if (!open(t, stop - 1)) break;
  }
  return readCardinal(
    t.slice(0, stop).map((x) => x.word),
    from,
  );
}

const withCommas = (n: number) => n.toLocaleString('en-US');

/** "ninety one dollars and seventeen cents" → "$91.17"; "fifty cents" → "$0.50". */
const money: Reader = (t, from) => {
  const whole = cardinalAt(t, from);
  if (!whole) return null;
  const unit = lower(t[whole.end]);
  if (unit === 'cent' || unit === 'cents') {
    return whole.value < 100
      ? { end: whole.end + 1, written: `$0.${String(whole.value).padStart(2, '0')}` }
      : null;
  }
  if ((unit !== 'dollar' && unit !== 'dollars') || !open(t, whole.end - 1)) return null;
  let end = whole.end + 1;
  let cents = '';
  if (open(t, end - 1) && lower(t[end]) === 'and') {
    const c = cardinalAt(t, end + 1);
    if (c && c.value < 100 && /^cents?$/.test(lower(t[c.end])) && open(t, end)) {
      cents = `.${String(c.value).padStart(2, '0')}`;
      end = c.end + 1;
    }
  }
  return { end, written: `$${withCommas(whole.value)}${cents}` };
};

/** Minutes after an hour: "oh four", "fifty one", "eighteen". */
function minutesAt(t: readonly Token[], from: number): { value: number; end: number } | null {
  if (lower(t[from]) === 'oh' && open(t, from)) {
    const d = digitOf(lower(t[from + 1]), false);
    return d === undefined || d === 0 ? null : { value: d, end: from + 2 };
  }
  const kind = numberWord(lower(t[from]))?.kind;
  if (kind !== 'teen' && kind !== 'tens') return null;
  const m = cardinalAt(t, from);
  return m && m.value >= 10 && m.value < 60 ? m : null;
}

/** "eight oh four a m" → "8:04 am"; "six p m" → "6 pm"; "five o'clock" → "5:00"; "ten eighteen" → "10:18". */
const time: Reader = (t, from) => {
  const hourWord = numberWord(lower(t[from]));
  if (hourWord === undefined || (hourWord.kind !== 'unit' && hourWord.kind !== 'teen')) return null;
  const hour = hourWord.value;
  if (hour < 1 || hour > 12) return null;
  let end = from + 1;
  let minutes: number | null = null;
  if (open(t, from)) {
    const m = minutesAt(t, end);
    if (m) {
      minutes = m.value;
      end = m.end;
    }
  }
  const clock = `${hour}${minutes === null ? '' : `:${String(minutes).padStart(2, '0')}`}`;
  const a = lower(t[end]);
  if (open(t, end - 1) && (a === 'a' || a === 'p') && lower(t[end + 1]) === 'm' && open(t, end)) {
    return { end: end + 2, written: `${clock} ${a}m` };
  }
  if (open(t, end - 1) && (a === 'am' || a === 'pm') && minutes !== null)
    return { end: end + 1, written: `${clock} ${a}` };
  if (open(t, end - 1) && a === "o'clock") return { end: end + 1, written: `${hour}:00` };
  // Hour and minutes alone are a time only when the minutes cannot go on the hour as one number ("eight fifty one").
  return minutes !== null ? { end, written: clock } : null;
};

/** "nineteen eighty six" → 1986, "twenty oh five" → 2005, "nineteen hundred" → 1900 (two thousand five is a cardinal). */
function yearAt(t: readonly Token[], from: number): { value: number; end: number } | null {
  const century = lower(t[from]);
  if ((century !== 'nineteen' && century !== 'twenty') || !open(t, from)) return null;
  const base = century === 'nineteen' ? 1900 : 2000;
  if (lower(t[from + 1]) === 'hundred') return { value: base, end: from + 2 };
  const m = minutesAt(t, from + 1);
  if (m) return { value: base + m.value, end: m.end };
  // "twenty twenty", "nineteen ninety": minutesAt stops at 59.
  const c = cardinalAt(t, from + 1);
  return c && c.value >= 10 && c.value < 100 && numberWord(lower(t[from + 1]))?.kind === 'tens'
    ? { value: base + c.value, end: c.end }
    : null;
}

const yearReader: Reader = (t, from) => {
  const y = yearAt(t, from);
  return y ? { end: y.end, written: String(y.value) } : null;
};

/** "May eighteenth" → "May 18th"; "March fourteenth, nineteen eighty six" → "March 14th, 1986". */
const ORDINALS: ReadonlyMap<string, number> = new Map(
  Array.from({ length: 31 }, (_, i) => [ordinal(i + 1), i + 1] as const),
);
const suffix = (n: number) =>
  n % 10 === 1 && n !== 11 ? 'st' : n % 10 === 2 && n !== 12 ? 'nd' : n % 10 === 3 && n !== 13 ? 'rd' : 'th';

const date: Reader = (t, from) => {
  const month = t[from]?.word ?? '';
  if (!(MONTHS as readonly string[]).includes(month) || !open(t, from)) return null;
  let day: number | undefined;
  let end = from + 1;
  const one = lower(t[end]);
  const two = `${one} ${lower(t[end + 1])}`;
  if (open(t, end) && ORDINALS.has(two)) {
    day = ORDINALS.get(two);
    end += 2;
  } else if (ORDINALS.has(one)) {
    day = ORDINALS.get(one);
    end += 1;
  }
  if (day === undefined) return null;
  let written = `${month} ${day}${suffix(day)}`;
  const last = t[end - 1] as Token;
  if (last.trail === '' || last.trail === ',') {
    const y =
      yearAt(t, end) ??
      (() => {
        const c = cardinalAt(t, end);
        return c && c.value >= 2000 && c.value < 2100 ? c : null;
      })();
    if (y) {
      written += `${last.trail === ',' ? ',' : ''} ${y.value}`;
      end = y.end;
    }
  }
  return { end, written };
};

/** "twenty eight percent" → "28%"; "four point two one" → "4.21". */
const decimal: Reader = (t, from) => {
  const whole = cardinalAt(t, from);
  if (!whole) return null;
  let end = whole.end;
  let written = String(whole.value);
  if (open(t, end - 1) && lower(t[end]) === 'point') {
    let frac = '';
    let i = end + 1;
    while (open(t, i - 1) && digitOf(lower(t[i]), true) !== undefined) {
      frac += String(digitOf(lower(t[i]), true));
      i++;
    }
    if (frac !== '') {
      written += `.${frac}`;
      end = i;
    }
  }
  if (open(t, end - 1) && lower(t[end]) === 'percent') return { end: end + 1, written: `${written}%` };
  return written.includes('.') ? { end, written } : null;
};

/** "T C dash eight eight two one three zero zero seven" → "TC-88213007"; "plus one three one two…" → "+1312…". */
const code: Reader = (t, from) => {
  let written = '';
  let digits = 0;
  let letters = 0;
  let i = from;
  let repeat = 1;
  if (lower(t[i]) === 'plus' && open(t, i) && digitOf(lower(t[i + 1]), false) !== undefined) {
    written = '+';
    i++;
  }
  for (; i < t.length; i++) {
    const token = t[i] as Token;
    const w = token.word;
    const lw = w.toLowerCase();
    const digit = digitOf(lw, digits > 0);
    if (digit !== undefined) {
      written += String(digit).repeat(repeat);
      digits += repeat;
      repeat = 1;
    } else if ((lw === 'double' || lw === 'triple') && digitOf(lower(t[i + 1]), true) !== undefined) {
      repeat = lw === 'double' ? 2 : 3;
    } else if (
      /^[A-Z]$/.test(w) &&
      (w !== 'A' && w !== 'I' ? true : digits > 0 || letters > 0 || isDigitNext(t, i))
    ) {
      written += w;
      letters++;
    } else if (lw === 'dash' && written !== '' && written !== '+' && isCodeNext(t, i)) {
      written += '-';
    } else break;
    if (!open(t, i)) {
      i++;
      break;
    }
  }
  const end = i;
  if (digits < 2 && !(digits >= 1 && letters >= 1)) return null;
  // A lone letter before one digit ("I two") is not an id; a spelled code has at least two digits or a letter and one.
  if (digits + letters < 2) return null;
  return { end, written };
};
const isDigitNext = (t: readonly Token[], i: number) => digitOf(lower(t[i + 1]), false) !== undefined;
const isCodeNext = (t: readonly Token[], i: number) =>
  digitOf(lower(t[i + 1]), false) !== undefined || /^[A-Z]$/.test(t[i + 1]?.word ?? '');

/** A plain number of ten or more ("fourteen" → "14"); "nine" stays a word, as "one" does in "no one". */
const number: Reader = (t, from) => {
  const c = cardinalAt(t, from);
  if (!c || (c.value < 10 && c.end - from === 1)) return null;
  return { end: c.end, written: String(c.value) };
};

/** "dana dot whitfield at example dot com" → "dana.whitfield@example.com", read from the local part's first word. */
const email: Reader = (t, from) => {
  const part = (i: number): { end: number; written: string } | null => {
    let written = '';
    let j = i;
    for (;;) {
      const w = lower(t[j]);
      if (!/^[a-z0-9]+$/.test(w)) return null;
      const d = digitOf(w, true);
      written += d === undefined ? w : String(d);
      j++;
      const sep = lower(t[j]);
      const mark = sep === 'dot' ? '.' : sep === 'underscore' ? '_' : sep === 'dash' ? '-' : null;
      if (mark === null || !open(t, j - 1) || !open(t, j) || !/^[a-z0-9]+$/.test(lower(t[j + 1]))) break;
      written += mark;
      j++;
    }
    return { end: j, written };
  };
  const local = part(from);
  if (!local || lower(t[local.end]) !== 'at' || !open(t, local.end - 1) || !open(t, local.end)) return null;
  const domain = part(local.end + 1);
  if (!domain || !/\.[a-z]{2,}$/.test(domain.written)) return null;
  return { end: domain.end, written: `${local.written}@${domain.written}` };
};

/** Tried in order at each word; the first that reads a figure wins. */
const READERS: readonly Reader[] = [email, money, date, time, yearReader, decimal, code, number];

/**
 * The figures of a recogniser's text written back: ids and codes, amounts, times, dates, years, percentages and
 * numbers of ten or more, emails. What is not a figure is left as it was; a misheard word inside a figure ends it.
 */
export function writtenForm(spoken: string): WrittenText {
  const t = tokenize(spoken);
  const pieces: Array<{ written: string; spokenStart: number; spokenEnd: number; replaced: boolean }> = [];
  let cursor = 0;
  let i = 0;
  while (i < t.length) {
    const read = READERS.reduce<Read | null>((found, reader) => found ?? reader(t, i), null);
    if (read === null || read.end <= i) {
      i++;
      continue;
    }
    const first = t[i] as Token;
    const last = t[read.end - 1] as Token;
    pieces.push({
      written: spoken.slice(cursor, first.wordStart),
      spokenStart: cursor,
      spokenEnd: first.wordStart,
      replaced: false,
    });
    pieces.push({
      written: read.written,
      spokenStart: first.wordStart,
      spokenEnd: last.wordEnd,
      replaced: true,
    });
    cursor = last.wordEnd;
    i = read.end;
  }
  pieces.push({
    written: spoken.slice(cursor),
    spokenStart: cursor,
    spokenEnd: spoken.length,
    replaced: false,
  });

  const text = pieces.map((p) => p.written).join('');
  const starts: number[] = [];
  let at = 0;
  for (const p of pieces) {
    starts.push(at);
    at += p.written.length;
  }
  const locate = (offset: number, isEnd: boolean): number => {
    for (let k = 0; k < pieces.length; k++) {
      const p = pieces[k] as (typeof pieces)[number];
      const s = starts[k] as number;
      const inside = isEnd
        ? offset > s && offset <= s + p.written.length
        : offset >= s && offset < s + p.written.length;
      if (!inside) continue;
      if (p.replaced) return isEnd ? p.spokenEnd : p.spokenStart;
      return p.spokenStart + (offset - s);
    }
    return isEnd ? spoken.length : 0;
  };
  return {
    text,
    toSpoken: (start, end) => ({
      start: locate(start, false),
      end: Math.max(locate(start, false), locate(end, true)),
    }),
  };
}

/**
 * One written figure as it is compared with another: letters and digits only, upper case, no ":00" or ".00" (what a
 * recogniser's words cannot tell apart: "$80" and "$80.00", "5 pm" and "5:00 pm", "TC-88213007" and "tc88213007").
 */
export function figureKey(figure: string): string {
  return figure
    .toUpperCase()
    .replace(/[:.]00(?!\d)/g, '')
    .replace(/[^0-9A-Z.:]/g, '');
}
