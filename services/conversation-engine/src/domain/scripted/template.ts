import { pick, type Random } from '../random.js';

export type Slots = Readonly<Record<string, string | readonly string[]>>;

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
        current += typeof value === 'string' ? value : pick(random, value);
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
