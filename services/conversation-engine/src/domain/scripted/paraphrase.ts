import { wordTokens } from '@synthcall/personas';
import { chance, pick, type Random } from '../random.js';

// A persona's issue is the seed of what the caller says, not a script: a caller who read it out word for word in
// every call would make the persona's sentence the most repeated line of a dataset. Each call says it in words of its
// own (phrase swaps drawn per call), and no run of `MAX_SHARED_RUN + 1` words of the persona's text survives: where
// the swaps leave one, the caller's hesitation ("you know", "I think") breaks it, as it would on a phone line.

/** The longest run of the persona's own words a caller says unchanged (issue 14: no run of 8 in more than 10% of calls). */
export const MAX_SHARED_RUN = 7;

/** Swaps a caller makes telling the problem (whole words, case-insensitive at the start; each applied or not per call). */
const SWAPS: ReadonlyArray<readonly [RegExp, readonly string[]]> = [
  [/\beven though\b/g, ['although', 'when', 'even if']],
  [/\bwants to\b|\bwant to\b/g, ['would like to', 'need to', 'am hoping to']],
  [/\bI was charged\b/g, ['I got charged', 'they charged me', 'I was billed']],
  [/\bwas charged\b/g, ['got charged', 'was billed']],
  [/\bcharged\b/g, ['billed', 'hit with']],
  [/\bfor two days\b/g, ['for two days now', 'two days now']],
  [/\bthis morning\b/g, ['earlier today', 'this morning, out of nowhere']],
  [/\bnext month\b/g, ['in a few weeks', 'early next month']],
  [/\bnext week\b/g, ['in a week', 'next week already']],
  [/\blast month\b/g, ['a month ago', 'back last month']],
  [/\bsuddenly\b/g, ['all of a sudden', 'out of nowhere']],
  [/\bfound\b/g, ['noticed', 'spotted']],
  [/\bsaid\b/g, ['claimed', 'promised']],
  [/\bsays\b/g, ['shows', 'claims']],
  [/\breceived\b/g, ['got', 'was sent']],
  [/\bworried about\b/g, ['scared of', 'afraid of']],
  [/\bworried\b/g, ['nervous', 'scared']],
  [/\bcan't figure out\b/g, ["can't work out", "don't know"]],
  [/\bafter\b/g, ['right after', 'following']],
  [/\band then\b/g, ['and right after', 'then']],
  [/\bthinks\b|\bthink\b/g, ['suspect', 'believe']],
  [/\bnever\b/g, ['not once', 'never ever']],
  [/\bwithout\b/g, ['but not', 'and not']],
  [/\btotaling\b|\btotalling\b/g, ['adding up to', 'for a total of']],
  [/\badd up to\b/g, ['come to', 'total']],
  [/\btoo many\b/g, ['a few too many', 'several']],
  [/\bhas not\b|\bhasn't\b/g, ["hasn't", 'has not']],
  [/\bdoesn't\b/g, ['does not']],
  [/\bisn't\b/g, ['is not']],
  [/\bcan't\b/g, ['cannot']],
  [/\bwhile\b/g, ['when', 'whilst']],
];

/** Hesitations that break a run of the persona's words between two ordinary words. */
const HEDGES = ['you know', 'I think', 'like', 'basically', 'I mean', 'um', 'honestly'];

/** Word tokens as the realism measure counts them. */
const words = wordTokens;

function grams(text: string): Set<string> {
  const t = words(text);
  const n = MAX_SHARED_RUN + 1;
  const out = new Set<string>();
  for (let i = 0; i + n <= t.length; i++) out.add(t.slice(i, i + n).join(' '));
  return out;
}

const PLAIN = /^[a-z']+,?$/;
/** Words a hesitation comes before in speech: the start of a phrase or a clause ("behind, you know, after a winter"). */
const PHRASE_START = new Set(
  'and but so when because after before since for to on at in with from the my a an about while although even then which that'.split(
    ' ',
  ),
);
/** At most one hesitation in this many words of a telling: more reads as a stammer, not as a caller finding words. */
const WORDS_PER_HEDGE = 8;

/**
 * Breaks the first run of more than MAX_SHARED_RUN words of `source` with one hedge between two plain lower-case
 * words inside the run (never inside a name or a figure), as late in it as it can; null when the text has no such run or
 * the run has no such gap.
 */
function breakRun(
  text: string,
  source: ReadonlySet<string>,
  hedges: string[],
  random: Random,
): string | null {
  const parts = text.split(/(\s+)/);
  // The part each word token comes from (a part holds at most one token: `words` splits on white space too).
  const at = parts.flatMap((part, p) => (words(part).length > 0 ? [p] : []));
  const t = at.map((p) => words(parts[p] as string)[0] as string);
  const n = MAX_SHARED_RUN + 1;
  for (let i = 0; i + n <= t.length; i++) {
    if (!source.has(t.slice(i, i + n).join(' '))) continue;
    // Latest gap first (the next run can then only start after it), a phrase's start before any other word.
    const startsPhrase = (g: number) => PHRASE_START.has(t[g] as string);
    const gaps = Array.from({ length: n - 1 }, (_, k) => i + 1 + k).sort(
      (a, b) => Number(startsPhrase(b)) - Number(startsPhrase(a)) || b - a,
    );
    for (const g of gaps) {
      const left = parts[at[g - 1] as number] as string;
      const right = parts[at[g] as number] as string;
      if (!PLAIN.test(left) || !PLAIN.test(right) || /,$/.test(right)) continue;
      if (hedges.length === 0) hedges.push(...HEDGES);
      const hedge = hedges.splice(Math.floor(random.next() * hedges.length), 1)[0] as string;
      parts[at[g] as number] = left.endsWith(',') ? `${hedge}, ${right}` : `${hedge} ${right}`;
      return parts.join('');
    }
    return null;
  }
  return null;
}

/**
 * The persona's issue (already in the first person) as this call's caller says it: phrase swaps drawn with `random`
 * (each applied to the persona's words only, never to another swap's), then no run of more than MAX_SHARED_RUN of
 * `persona`'s words left where a hesitation can break it.
 */
export function paraphrase(text: string, persona: string, random: Random): string {
  const chosen: string[] = [];
  let out = text;
  for (const [pattern, choices] of SWAPS) {
    if (!chance(random, 0.7)) continue;
    out = out.replace(pattern, (match) => {
      const choice = pick(random, choices);
      chosen.push(/^[A-Z]/.test(match) ? choice.charAt(0).toUpperCase() + choice.slice(1) : choice);
      // A private-use mark stands for the swap until every pattern has run, so no pattern rewrites another's words.
      return `\uE000${chosen.length - 1}\uE001`;
    });
  }
  out = out.replace(/\uE000(\d+)\uE001/g, (_, i: string) => chosen[Number(i)] as string);
  const source = grams(persona);
  const hedges = [...HEDGES];
  const most = Math.max(2, Math.ceil(words(out).length / WORDS_PER_HEDGE));
  for (let tries = 0; tries < most; tries++) {
    const broken = breakRun(out, source, hedges, random);
    if (broken === null) break;
    out = broken;
  }
  return out;
}
