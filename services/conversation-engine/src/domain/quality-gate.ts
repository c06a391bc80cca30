import type { Role } from './types.js';

/** One line of the call as the gate sees it: what the speaker said and what the listener's recogniser heard. */
export interface GateLine {
  turn: number;
  role: Role;
  said: string;
  /** The listener's ASR result; undefined until the listener's Gather reported it. */
  heard?: string | undefined;
}

export type GateRule =
  | 'repetition'
  | 'repetition_in_line'
  | 'parrot'
  | 'apology_loop'
  | 'role_reversal'
  | 'empty_turns';

export type GateVerdict = { ok: true } | { ok: false; rule: GateRule; turn: number; detail: string };

const NEAR_DUPLICATE = 0.6;
const REPEATS_TO_FLAG = 2;
const APOLOGIES_IN_A_ROW = 3;
const EMPTY_IN_WINDOW = 3;
const EMPTY_WINDOW = 4;
// Tuned on scripted calls, which restate a detail twice ("as I said, …") and echo the agent's figures back, but never
// say one clause three times, nor a sentence twice running, nor answer with most of the agent's line (figures in
// quality-gate.test.ts).
const CLAUSE_REPEATS_TO_FLAG = 3;
const ECHO_MIN_WORDS = 3;
const LOOP_NGRAM = 4;
const PARROT_MIN_WORDS = 6;
const PARROT_SHARE = 0.7;
const ACKNOWLEDGEMENT_WORDS = 3;

interface Tokens {
  words: readonly string[];
  bigrams?: ReadonlySet<string>;
}

/**
 * The words (and bigrams) of recent lines: the gate reads a call's whole transcript again at every turn, so without
 * this a call tokenizes its own lines O(turns²) times (~3% of a generate run's CPU). Bounded; the oldest go first.
 */
const tokenCache = new Map<string, Tokens>();
const TOKEN_CACHE_LINES = 4_096;

function tokens(text: string): Tokens {
  let t = tokenCache.get(text);
  if (!t) {
    t = { words: text.toLowerCase().match(/[a-z0-9']+/g) ?? [] };
    if (tokenCache.size >= TOKEN_CACHE_LINES) tokenCache.delete(tokenCache.keys().next().value as string);
    tokenCache.set(text, t);
  }
  return t;
}

function words(text: string): readonly string[] {
  return tokens(text).words;
}

function bigrams(text: string): ReadonlySet<string> {
  const t = tokens(text);
  if (t.bigrams) return t.bigrams;
  const w = t.words;
  let out: Set<string>;
  if (w.length < 2) out = new Set(w);
  else {
    out = new Set<string>();
    for (let i = 0; i + 1 < w.length; i++) out.add(`${w[i]} ${w[i + 1]}`);
  }
  t.bigrams = out;
  return out;
}

/** Jaccard similarity of word bigrams: robust to a changed word or two, which exact equality is not. */
export function similarity(a: string, b: string): number {
  const x = bigrams(a);
  const y = bigrams(b);
  if (x.size === 0 && y.size === 0) return 1;
  let common = 0;
  for (const g of x) if (y.has(g)) common++;
  return common / (x.size + y.size - common);
}

interface Clause {
  words: readonly string[];
  /** The clause ends its sentence: nothing follows it before a full stop, question or exclamation mark. */
  endsSentence: boolean;
}

function clauses(text: string): Clause[] {
  const out: Clause[] = [];
  for (const m of text.matchAll(/([^.!?,;:]*)([.!?,;:]+|$)/g)) {
    const w = words(m[1] ?? '');
    if (w.length > 0) out.push({ words: w, endsSentence: !/^[,;:]/.test(m[2] ?? '') });
  }
  return out;
}

/**
 * Why one line repeats itself the way a looping model does, or null: a clause said three times ("I understand. I
 * understand. I understand your concern, I understand."), a clause said again straight after itself with nothing
 * added ("let me check that for you, let me check that for you."), or a run of words looping without punctuation.
 * A restatement that adds something ("the one on the page is K678. The one on the page is K678, shown at $12"),
 * a sentence with a number said twice so the listener catches it, and one-word repeats ("no, no, no") pass.
 */
export function repeatsWithinLine(text: string): string | null {
  const parts = clauses(text);
  const counts = new Map<string, number>();
  for (const c of parts) {
    if (c.words.length < 2) continue;
    const key = c.words.join(' ');
    const n = (counts.get(key) ?? 0) + 1;
    counts.set(key, n);
    if (n >= CLAUSE_REPEATS_TO_FLAG) return `said "${key}" ${n} times in one line`;
  }
  for (let i = 1; i < parts.length; i++) {
    const [prev, cur] = [parts[i - 1] as Clause, parts[i] as Clause];
    const key = cur.words.join(' ');
    if (
      cur.endsSentence &&
      cur.words.length >= ECHO_MIN_WORDS &&
      !/\d/.test(key) &&
      key === prev.words.join(' ')
    )
      return `said "${key}" twice in a row`;
  }
  const w = words(text);
  const grams = new Map<string, number>();
  for (let i = 0; i + LOOP_NGRAM <= w.length; i++) {
    const key = w.slice(i, i + LOOP_NGRAM).join(' ');
    const n = (grams.get(key) ?? 0) + 1;
    grams.set(key, n);
    if (n >= CLAUSE_REPEATS_TO_FLAG) return `said "${key}" ${n} times in one line`;
  }
  return null;
}

/**
 * The share of a customer's line taken from the agent's line before it (word bigrams), for lines long enough that
 * this means parroting rather than reading back a detail ("yes, 4 Elm Street"); 0 for shorter lines.
 */
export function parrotShare(agentLine: string, customerLine: string): number {
  const w = words(customerLine);
  if (w.length < PARROT_MIN_WORDS) return 0;
  const agent = bigrams(agentLine);
  let shared = 0;
  for (let i = 0; i + 1 < w.length; i++) if (agent.has(`${w[i]} ${w[i + 1]}`)) shared++;
  return shared / (w.length - 1);
}

// A real apology, not the "sorry?" of someone who did not hear: loops of these are what models fall into.
const APOLOGY =
  /\b(?:(?:i'm|i am|we're|we are) (?:so |very |really |truly |terribly )?sorry|i apologi[sz]e|(?:my )?apologies|sorry (?:about|for) (?:that|the|this|any))\b/i;

// Phrases only the other side of a contact-center call says. One in a line is enough: a model that starts
// offering help as the customer has lost its role and every further line is wasted money.
const AGENT_ONLY = [
  /\bhow (?:can|may) i (?:help|assist) you\b/i,
  /\bthank you for calling\b/i,
  /\bis there anything else i can (?:help|do for) you\b/i,
  /\bcan i (?:have|get) your (?:account|order|policy|member) number\b/i,
  /\blet me pull up your account\b/i,
];
const CUSTOMER_ONLY = [
  /\bmy (?:account|order|policy|member) number is\b/i,
  /\b(?:let me|i want to|i'd like to|can i) (?:speak|talk) (?:to|with) (?:a|your) (?:supervisor|manager)\b/i,
  /\bi(?:'m| am) calling (?:about|because) my\b/i,
  /\bi want (?:a|my) refund\b/i,
];

/** Whether a single line speaks as the other side of the call (the quality gate's role-reversal rule). */
export function breaksRole(role: Role, text: string): boolean {
  return (role === 'customer' ? AGENT_ONLY : CUSTOMER_ONLY).some((re) => re.test(text));
}

function isEmpty(text: string | undefined): boolean {
  return text !== undefined && words(text).length === 0;
}

/**
 * The quality gate: decides from the transcript alone whether a call has gone bad (a model looping, apologising
 * forever, speaking for the other side, or a leg hearing nothing), so the engine ends it as `loop_detected`
 * instead of burning turns. Pure: the newest line is the last element.
 */
export function assessCall(lines: readonly GateLine[]): GateVerdict {
  const last = lines.at(-1);
  if (!last) return { ok: true };

  const reversal = (last.role === 'customer' ? AGENT_ONLY : CUSTOMER_ONLY).find((re) => re.test(last.said));
  if (reversal)
    return {
      ok: false,
      rule: 'role_reversal',
      turn: last.turn,
      detail: `${last.role} said /${reversal.source}/`,
    };

  const looping = repeatsWithinLine(last.said);
  if (looping)
    return { ok: false, rule: 'repetition_in_line', turn: last.turn, detail: `${last.role} ${looping}` };

  const before = lines.at(-2);
  if (last.role === 'customer' && before?.role === 'agent') {
    const share = parrotShare(before.said, last.said);
    if (share >= PARROT_SHARE)
      return {
        ok: false,
        rule: 'parrot',
        turn: last.turn,
        detail: `customer repeated ${Math.round(share * 100)}% of the agent's line before it`,
      };
  }

  const window = lines.slice(-EMPTY_WINDOW);
  const empties = window.filter((l) => isEmpty(l.said) || isEmpty(l.heard)).length;
  if (empties >= EMPTY_IN_WINDOW)
    return {
      ok: false,
      rule: 'empty_turns',
      turn: last.turn,
      detail: `${empties} empty of the last ${window.length}`,
    };

  // An acknowledgement ("mm-hm", "okay") said again and again is how people listen, not a loop.
  const own = lines.filter((l) => l.role === last.role && words(l.said).length > ACKNOWLEDGEMENT_WORDS);
  let repeats = 0;
  for (let i = 1; i < own.length; i++) {
    const line = own[i] as GateLine;
    if (own.slice(Math.max(0, i - 3), i).some((prev) => similarity(prev.said, line.said) >= NEAR_DUPLICATE))
      repeats++;
  }
  if (repeats >= REPEATS_TO_FLAG)
    return {
      ok: false,
      rule: 'repetition',
      turn: last.turn,
      detail: `${last.role} repeated itself ${repeats} times`,
    };

  const recent = lines.filter((l) => l.role === last.role).slice(-APOLOGIES_IN_A_ROW);
  if (recent.length === APOLOGIES_IN_A_ROW && recent.every((l) => APOLOGY.test(l.said)))
    return {
      ok: false,
      rule: 'apology_loop',
      turn: last.turn,
      detail: `${last.role} apologised ${APOLOGIES_IN_A_ROW} lines in a row`,
    };

  return { ok: true };
}
