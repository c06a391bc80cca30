import { chance, pick, type Random } from '../random.js';

// How people actually talk: fillers by demeanor, interchangeable phrasings and contractions. Applied after a line
// is realised, around protected spans (PII, persona scripts) that must reach the transcript verbatim.

export const DEMEANOR_FILLERS: Record<string, readonly string[]> = {
  calm: ['well', 'so', 'now', 'I guess'],
  friendly: ['you know', 'oh', 'like', 'honestly'],
  polite: ['well', 'if I may', 'I believe', 'I suppose'],
  curious: ['hmm', 'I wonder', 'so', 'actually'],
  businesslike: ['so', 'for the record', 'basically', 'to be clear'],
  anxious: ['um', 'uh', 'I mean', 'oh gosh', 'okay'],
  confused: ['um', 'uh', 'I think', 'like', 'wait'],
  skeptical: ['supposedly', 'frankly', 'I mean', 'apparently'],
  impatient: ['look', 'okay', 'come on', 'right'],
  frustrated: ['honestly', 'I mean', 'you know', 'seriously'],
  angry: ['look', 'seriously', 'frankly', 'for crying out loud'],
};

export const ATTITUDE_FILLERS: Record<string, readonly string[]> = {
  chatty: ['you know', 'oh', 'honestly', 'I tell you'],
  nervous: ['um', 'uh', 'let me see', 'okay'],
  bored: ['uh', 'so', 'yeah'],
  friendly: ['so', 'okay'],
  positive: ['so', 'great'],
};

// Groups of phrasings that can stand in for each other wherever they appear (checked against the line set).
const INTERCHANGEABLE: readonly (readonly string[])[] = [
  ['really', 'truly', 'genuinely', 'honestly'],
  ['the problem', 'the issue', 'this problem', 'the trouble'],
  ['right now', 'at the moment', 'just now', 'right this minute'],
  ['even though', 'although', 'even if', 'despite the fact that'],
  ['I think', 'I believe', 'I guess', 'I suppose'],
  ['a bit', 'a little', 'somewhat', 'kind of'],
  ['very', 'really', 'extremely', 'super'],
  ['maybe', 'perhaps', 'possibly'],
  ['because', 'since', 'as'],
  ['called', 'phoned', 'rang'],
  ['cheaper', 'less expensive', 'lower-cost'],
  ['quickly', 'fast', 'promptly'],
  ['again', 'once more', 'one more time'],
  ['I want', "I'd like", 'I would like', 'I wish'],
  ['please', 'if you could', 'if possible', 'kindly'],
  ['Thank you', 'Thanks', 'Many thanks', 'Thanks a lot'],
  ['thank you', 'thanks', 'thanks a lot', 'many thanks'],
  ['Okay', 'Alright', 'All right', 'OK'],
  ['okay', 'alright', 'all right', 'fine'],
  ['still', 'yet again', 'continuously'],
  ['already', 'previously', 'earlier'],
  ['immediately', 'right away', 'straight away', 'at once'],
  ['I have', "I've"],
  ['I am', "I'm"],
  ['do not', "don't"],
  ['does not', "doesn't"],
  ['cannot', "can't"],
  ['it is', "it's"],
  ['that is', "that's"],
  ['I will', "I'll"],
  ['you are', "you're"],
  ['I would', "I'd"],
  ['we will', "we'll"],
  ['let us', "let's"],
];

const LOOKUP = new Map<string, readonly string[]>();
for (const group of INTERCHANGEABLE)
  for (const phrase of group) if (!LOOKUP.has(phrase)) LOOKUP.set(phrase, group);
const PHRASES = [...LOOKUP.keys()].sort((a, b) => b.length - a.length);
const PHRASE_RE = new RegExp(
  `\\b(${PHRASES.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})\\b`,
  'g',
);

const PROTECT = '\u0001';
const HESITATE_BEFORE = new Set([
  'the',
  'my',
  'a',
  'it',
  'that',
  'this',
  'and',
  'but',
  'so',
  'because',
  'when',
  'if',
]);

function protect(text: string, keep: readonly string[]): { text: string; restore: (s: string) => string } {
  const kept: string[] = [];
  let out = text;
  for (const value of [...keep].filter((v) => v.length > 0).sort((a, b) => b.length - a.length)) {
    if (!out.includes(value)) continue;
    out = out.split(value).join(`${PROTECT}${kept.length}${PROTECT}`);
    kept.push(value);
  }
  return {
    text: out,
    restore: (s) =>
      s.replace(new RegExp(`${PROTECT}(\\d+)${PROTECT}`, 'g'), (_m, i: string) => kept[Number(i)] ?? ''),
  };
}

export interface StyleOptions {
  fillers: readonly string[];
  /** Chance of a filler after a word (0 = none). */
  fillerRate: number;
  /** Chance that an interchangeable phrasing is swapped. */
  swapRate: number;
  /** Spans copied verbatim: PII values, persona scripts. */
  keep: readonly string[];
}

export function styleLine(text: string, random: Random, options: StyleOptions): string {
  const guarded = protect(text, options.keep);
  let out = guarded.text.replace(PHRASE_RE, (phrase: string) =>
    chance(random, options.swapRate) ? pick(random, LOOKUP.get(phrase) ?? [phrase]) : phrase,
  );
  if (options.fillers.length > 0 && options.fillerRate > 0) {
    const words = out.split(' ');
    const styled: string[] = [];
    words.forEach((word, i) => {
      styled.push(word);
      // Only where people hesitate: before an article, pronoun or conjunction, never inside a fixed phrase.
      const boundary =
        i > 0 &&
        i + 1 < words.length &&
        /[a-z]$/i.test(word) &&
        !word.includes(PROTECT) &&
        HESITATE_BEFORE.has((words[i + 1] ?? '').toLowerCase());
      if (boundary && !(words[i + 1] ?? '').includes(PROTECT) && chance(random, options.fillerRate)) {
        styled[styled.length - 1] = `${word},`;
        styled.push(`${pick(random, options.fillers)},`);
      }
    });
    out = styled.join(' ');
  }
  return guarded.restore(out);
}
