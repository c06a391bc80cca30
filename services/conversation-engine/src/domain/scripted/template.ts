import { pick, type Random } from '../random.js';
import { MONTHS, WEEKDAYS } from './library.js';

export type Slots = Readonly<Record<string, string | readonly string[]>>;

/** While `withSlotsUsed` runs: the values inserted for each slot name (one line is made synchronously). */
let used: Map<string, Set<string>> | null = null;

/**
 * Runs `make` and returns what it made with the values every `[slot]` received on the way, e.g. which people a line
 * names (the planner labels them as spoken PII). Synchronous and not re-entrant: a line is made in one go.
 */
export function withSlotsUsed<T>(make: () => T): {
  made: T;
  slots: ReadonlyMap<string, ReadonlySet<string>>;
} {
  const outer = used;
  const mine = new Map<string, Set<string>>();
  used = mine;
  try {
    return { made: make(), slots: mine };
  } finally {
    used = outer;
  }
}

/**
 * Realises a phrasing template: `{a|b|c}` picks one alternative (nested, and `{|x}` makes x optional), `[slot]`
 * inserts a slot value (a list picks one). Slot values are inserted as they are, never re-parsed, so a persona's
 * text with braces cannot change the grammar.
 */
export function realise(template: string, slots: Slots, random: Random): string {
  let i = 0;
  const parse = (stopAt: string): string[] => {
    // Returns the alternatives of the group being parsed (one when not inside a group).
    const alternatives: string[] = [];
    let current = '';
    while (i < template.length) {
      const ch = template[i] as string;
      if (stopAt.includes(ch)) {
        if (ch === '|') {
          alternatives.push(current);
          current = '';
          i++;
          continue;
        }
        break;
      }
      i++;
      if (ch === '{') {
        const options = parse('|}');
        i++; // the closing brace
        current += pick(random, options);
      } else if (ch === '[') {
        const end = template.indexOf(']', i);
        const name = template.slice(i, end);
        i = end + 1;
        const value = slots[name];
        if (value === undefined) throw new Error(`template slot [${name}] has no value`);
        const chosen = typeof value === 'string' ? value : pick(random, value);
        if (used) used.set(name, (used.get(name) ?? new Set()).add(chosen));
        current += chosen;
      } else {
        current += ch;
      }
    }
    alternatives.push(current);
    return alternatives;
  };
  return tidy(parse('').join(''));
}

/** Spacing and capitals after optional parts were dropped: "so ,  okay" → "so, okay". */
export function tidy(text: string): string {
  return text
    .replace(/\s+/g, ' ')
    .replace(/\s+([,.?!;:])/g, '$1')
    .replace(/([,;:])(?=[,.?!;:])/g, '')
    .replace(/^[\s,;:]+/, '')
    .replace(/(^|[.?!]\s+)([a-z])/g, (_m, lead: string, letter: string) => lead + letter.toUpperCase())
    .trim();
}

/** Words that keep their capital mid-sentence: "I", acronyms, month and weekday names. */
const KEEPS_CAPITAL = new RegExp(
  `^(?:I\\b|I'|[A-Z]{2}|(?:${[...MONTHS, ...WEEKDAYS, 'Sunday'].join('|')})\\b)`,
);

/** A sentence continued after a lead-in ("As I said, " + "August 11th works"): its first letter lowered, unless kept. */
export function lowerStart(text: string): string {
  return KEEPS_CAPITAL.test(text) ? text : text.charAt(0).toLowerCase() + text.slice(1);
}
