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

// Groups of phrasings that can stand in for each other wherever they appear. Words the listener's intent
// detection keys on (supervisor, transfer, reference, anything else, account number, verify…) are not in here.
const INTERCHANGEABLE: readonly (readonly string[])[] = [
  ['really', 'truly', 'genuinely', 'honestly'],
  ['the problem', 'the issue', 'this problem', 'this issue'],
  ['right now', 'at the moment', 'currently'],
  ['even though', 'although', 'even if', 'though'],
  ['I think', 'I believe', 'I guess', 'I suppose', 'I reckon'],
  ['a bit', 'a little', 'somewhat', 'kind of', 'sort of'],
  ['very', 'really', 'extremely', 'super', 'awfully'],
  ['maybe', 'perhaps', 'possibly'],
  ['called', 'phoned'],
  ['cheaper', 'less expensive', 'lower-cost', 'more affordable'],
  ['again', 'once more', 'one more time'],
  ['I want', "I'd like", 'I would like'],
  ['thank you', 'thanks'],
  ['okay', 'alright', 'all right', 'ok'],
  ['immediately', 'right away', 'straight away', 'at once'],
  ['I am', "I'm"],
  ['do not', "don't"],
  ['does not', "doesn't"],
  ['did not', "didn't"],
  ['cannot', "can't"],
  ['it is', "it's"],
  ['that is', "that's"],
  ['there is', "there's"],
  ['I will', "I'll"],
  ['you are', "you're"],
  ['you will', "you'll"],
  ['I would', "I'd"],
  ['we will', "we'll"],
  ['let us', "let's"],
  ['is not', "isn't"],
  ['has not', "hasn't"],
  ['could you', 'can you'],
  ['look at', 'check', 'review', 'go over'],
  ['great', 'excellent', 'wonderful', 'lovely', 'fantastic'],
  ['perfect', 'brilliant', 'spot on'],
  ['happy to', 'glad to', 'pleased to', 'more than happy to'],
  ['fix', 'resolve'],
  ['fixed', 'sorted out', 'resolved'],
  ['sorted', 'handled', 'dealt with', 'settled'],
  ['a moment', 'a second', 'a minute', 'a sec'],
  ['one moment', 'one second', 'one minute', 'just a sec'],
  ['the system', 'our system', 'the computer', 'my screen'],
  ['on my screen', 'on my end', 'in front of me', 'in the system'],
  ['on my side', 'on my end', 'from my side'],
  ['worried', 'concerned', 'nervous', 'uneasy'],
  ['frustrated', 'annoyed', 'fed up', 'exasperated'],
  ['the bill', 'the invoice', 'the statement'],
  ['charge', 'fee'],
  ['charged', 'billed'],
  ['money', 'funds', 'cash'],
  ['old', 'previous', 'former'],
  ['never', 'not once'],
  ['says', 'shows', 'reads', 'states'],
  ['shows', 'says', 'displays', 'indicates'],
  ['shown', 'displayed', 'listed'],
  ['sounds good', 'sounds great', 'works for me', 'sounds fine'],
  ['hold on', 'hang on', 'wait a moment', 'bear with me'],
  ['hang on', 'hold on', 'one sec', 'wait'],
  ['of course', 'certainly', 'naturally', 'sure thing'],
  ['no problem', 'no worries', 'not a problem', 'no trouble'],
  ['I understand', 'I hear you', 'I get it', 'that makes sense'],
  ['honestly', 'frankly', 'to be honest', 'truthfully'],
  ['seriously', 'honestly', 'come on', 'really'],
  ['ridiculous', 'absurd', 'unbelievable', 'outrageous'],
  ['furious', 'livid', 'really angry', 'beyond annoyed'],
  ['the same thing', 'exactly that'],
  ['pulled up', 'brought up'],
  ['pull up', 'bring up'],
  ['on the line', 'on the phone'],
  ['over the phone', 'by phone', 'on a call', 'on the phone'],
  ['as soon as possible', 'ASAP', 'at the earliest'],
  ['all set', 'good to go', 'sorted'],
  ['taken care of', 'handled', 'dealt with', 'covered'],
  ['take care of', 'handle', 'deal with', 'look after'],
  ['wonderful', 'lovely', 'marvellous', 'fantastic'],
  ['happened', 'occurred'],
  ['tried', 'attempted'],
  ['looked at', 'checked', 'reviewed'],
  ['mistake', 'slip-up'],
  ['usually', 'normally', 'typically', 'generally'],
  ['definitely', 'certainly', 'absolutely', 'surely'],
  ['probably', 'likely', 'most likely'],
  ['anyway', 'anyhow', 'in any case'],
  ['basically', 'essentially', 'in short', 'pretty much'],
  ['sorry to bother you', 'sorry for the trouble', 'I hope this is okay', 'I hope you can help'],
  ['so glad', 'really glad', 'so relieved', 'very happy'],
  ['I was told', 'someone told me', 'they told me', 'I heard'],
  ['rep', 'representative', 'sales rep'],
  ['store', 'shop', 'branch'],
  ['phone', 'cell', 'mobile'],
  ['broken', 'busted', 'damaged'],
  ['for a few days', 'for days', 'for a while'],
];

const LOOKUP = new Map<string, readonly string[]>();
for (const group of INTERCHANGEABLE)
  for (const phrase of group) if (!LOOKUP.has(phrase.toLowerCase())) LOOKUP.set(phrase.toLowerCase(), group);
const PHRASES = [...LOOKUP.keys()].sort((a, b) => b.length - a.length);
const PHRASE_RE = new RegExp(
  `(?<![\\w'-])(${PHRASES.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})(?![\\w'-])`,
  'gi',
);

function swap(phrase: string, random: Random, rate: number, after: string): string {
  if (!chance(random, rate)) return phrase;
  const choice = pick(random, LOOKUP.get(phrase.toLowerCase()) ?? [phrase]);
  // English contracts a verb only before what it governs: "you're right", never "There you're."
  if (/'(?:re|s|m|ll|d|ve)$/i.test(choice) && !/^\s+[\w$]/.test(after)) return phrase;
  // A capitalised phrase stays capitalised ("I" and acronyms keep their own case).
  return /^[A-Z]/.test(phrase) && !/^[A-Z]/.test(choice)
    ? choice.charAt(0).toUpperCase() + choice.slice(1)
    : choice;
}

const PROTECT = '\u0001';
// Not before "it", "this" or "that": after a verb they are its object ("I want, um, it done" reads wrong).
const HESITATE_BEFORE = new Set(['the', 'my', 'a', 'and', 'but', 'so', 'because', 'when', 'if']);

const NO_PAUSE_AFTER = new Set(
  'did do does is are was were am can could would will should has have had of to in on at for with from by about'.split(
    ' ',
  ),
);

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
  let out = guarded.text.replace(PHRASE_RE, (phrase: string, _p: string, offset: number, whole: string) =>
    swap(phrase, random, options.swapRate, whole.slice(offset + phrase.length)),
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
        HESITATE_BEFORE.has((words[i + 1] ?? '').toLowerCase()) &&
        // Nor between an auxiliary or a preposition and what follows ("did, so, the charge appear").
        !NO_PAUSE_AFTER.has(word.toLowerCase());
      if (boundary && !(words[i + 1] ?? '').includes(PROTECT) && chance(random, options.fillerRate)) {
        styled[styled.length - 1] = `${word},`;
        styled.push(`${pick(random, options.fillers)},`);
      }
    });
    out = styled.join(' ');
  }
  return guarded.restore(out);
}
