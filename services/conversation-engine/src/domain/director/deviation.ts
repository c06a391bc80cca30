import { MONTHS } from '@synthcall/spoken-form';
import { chance, intBetween, pick, type Random } from '../random.js';

/**
 * Departures from the plan that people make and put right (issue 14, item 2): the agent misstates a figure of the
 * call and corrects itself, in the same breath or when the caller queries it; the caller, asked to verify, answers
 * another question or declines, and the agent asks again or offers another way. The director decides them for every
 * provider and records each in the ground truth (DirectorState.deviations).
 */

/** Share of calls in which the agent may misstate a figure (each of its lines with a figure then has SLIP_LINE_CHANCE). */
export const SLIP_CALL_CHANCE = 0.2;
export const SLIP_LINE_CHANCE = 0.5;
/** Of the slips, the share corrected in the same turn; the rest are corrected after the caller queries them. */
export const SLIP_IN_TURN_CHANCE = 0.6;
/** Share of calls in which the caller, first asked to verify, answers another question or declines. */
export const DEFLECT_CALL_CHANCE = 0.2;
/** Of those, the share that decline (the rest answer something else). */
export const REFUSE_CHANCE = 0.5;

export type DeviationKind = 'self_correction' | 'off_question' | 'refusal';

/** A figure of a line said wrong: `right` is the call's, `wrong` what was said in its place. */
export interface Slip {
  start: number;
  end: number;
  right: string;
  wrong: string;
}

const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const MONTH_NAMES = MONTHS.map((m) => m[0]?.toUpperCase() + m.slice(1));

function ordinal(n: number): string {
  const tens = n % 100;
  if (tens >= 11 && tens <= 13) return `${n}th`;
  return `${n}${['th', 'st', 'nd', 'rd'][n % 10] ?? 'th'}`;
}

/**
 * The digits of a figure with one of them changed, not the leading one where there are others (a misread figure is
 * near the true one), and never to a leading 0.
 */
function otherDigits(digits: string, random: Random): string {
  const at = intBetween(random, digits.length > 1 ? 1 : 0, digits.length - 1);
  const old = Number(digits[at]);
  const choices = [...'0123456789'].map(Number).filter((d) => d !== old && (at > 0 || d !== 0));
  return `${digits.slice(0, at)}${pick(random, choices)}${digits.slice(at + 1)}`;
}

interface Candidate {
  re: RegExp;
  wrong: (m: RegExpExecArray, random: Random) => string;
}

/** Figures an agent reads out from the call's data, and a plausible misreading of each. */
const CANDIDATES: readonly Candidate[] = [
  {
    // An amount: "$80.50" → "$86.50".
    re: /\$(\d{1,3}(?:,\d{3})*)(\.\d{2})?\b/g,
    wrong: (m, random) => {
      const whole = (m[1] ?? '').replace(/,/g, '');
      const changed = Number(otherDigits(whole, random)).toLocaleString('en-US');
      return `$${changed}${m[2] ?? ''}`;
    },
  },
  {
    // A reference: "KT-482913" → "KT-482918".
    re: /\b([A-Z]{2}-)(\d{6})\b/g,
    wrong: (m, random) => `${m[1]}${otherDigits(m[2] ?? '', random)}`,
  },
  {
    // A date: "March 14th" → "March 16th".
    re: new RegExp(`\\b(${MONTH_NAMES.join('|')}) (\\d{1,2})(?:st|nd|rd|th)\\b`, 'g'),
    wrong: (m, random) => {
      const day = Number(m[2]);
      const shift = pick(random, [-2, -1, 1, 2]);
      const other = day + shift >= 1 && day + shift <= 28 ? day + shift : day - shift;
      return `${m[1]} ${ordinal(other)}`;
    },
  },
  {
    re: new RegExp(`\\b(${WEEKDAYS.join('|')})\\b`, 'g'),
    wrong: (m, random) =>
      pick(
        random,
        WEEKDAYS.filter((d) => d !== m[1]),
      ),
  },
  {
    // A time: "3 pm" → "4 pm", "3:13 pm" → "2:13 pm".
    re: /(?<![\d:])(\d{1,2})(:\d{2})? ?(am|pm)\b/g,
    wrong: (m, random) => {
      const hour = Number(m[1]);
      const other = hour >= 11 ? hour - 1 : hour <= 1 ? hour + 1 : hour + pick(random, [-1, 1]);
      return m[0].replace(/^\d{1,2}/, String(other));
    },
  },
  {
    // A count of days: "within 5 days" → "within 7 days".
    re: /\b(\d{1,2})( business| working)? days\b/g,
    wrong: (m, random) => {
      const n = Number(m[1]);
      return `${n > 2 && chance(random, 0.5) ? n - 1 : n + 2}${m[2] ?? ''} days`;
    },
  },
];

/**
 * A figure of `line` to misstate, with its misreading; null when the line has none. `protectedSpans` (personal data,
 * names) are never touched: a slip is the agent's, not the caller's data mislabelled.
 */
export function slipIn(
  line: string,
  protectedSpans: ReadonlyArray<{ start: number; end: number }>,
  random: Random,
): Slip | null {
  const found: Array<{ start: number; end: number; m: RegExpExecArray; c: Candidate }> = [];
  for (const c of CANDIDATES) {
    c.re.lastIndex = 0;
    for (let m = c.re.exec(line); m !== null; m = c.re.exec(line)) {
      const start = m.index;
      const end = start + m[0].length;
      if (protectedSpans.some((s) => start < s.end && end > s.start)) continue;
      if (found.some((f) => start < f.end && end > f.start)) continue;
      found.push({ start, end, m, c });
    }
  }
  if (found.length === 0) return null;
  const { start, end, m, c } = pick(random, found);
  const wrong = c.wrong(m, random);
  if (wrong === m[0]) return null;
  return { start, end, right: m[0], wrong };
}

/** The words of an in-turn self-correction: the wrong figure, a word of repair, then the right one. */
export function selfCorrection(slip: Slip, random: Random): string {
  return pick(random, [
    `${slip.wrong}, sorry, ${slip.right}`,
    `${slip.wrong}, I mean ${slip.right}`,
    `${slip.wrong}, no, sorry, ${slip.right}`,
    `${slip.wrong}, sorry, I mean ${slip.right}`,
  ]);
}

/** The caller queries a figure that sounded wrong (as they heard it). */
export function queryFigure(heard: string, random: Random): string {
  return pick(random, [
    `Wait, ${heard}?`,
    `Sorry, ${heard}?`,
    `Hang on, did you say ${heard}?`,
    `${heard}? Are you sure?`,
  ]);
}

/** The agent puts its own figure right after the caller queried it: the true figure last. */
export function ownCorrection(right: string, random: Random): string {
  return pick(random, [
    `Sorry, my mistake: ${right}.`,
    `Oh, sorry, I misread that. It's ${right}.`,
    `Good catch, sorry. That should be ${right}.`,
    `Let me look again... no, you're right to ask, it's ${right}.`,
  ]);
}

/** The caller, asked to verify, talks about what they called about instead (`about`: a clause of their issue). */
export function offQuestion(about: string, random: Random): string {
  return pick(random, [
    `Well, the thing is, ${about}.`,
    `It's just that ${about}.`,
    `Yeah, so, ${about}, that's why I'm calling.`,
    `Okay, so basically ${about}.`,
  ]);
}

/** The caller declines to give what was asked on the phone. */
export function refusal(random: Random): string {
  return pick(random, [
    "I'd rather not give that over the phone.",
    "Hmm, I'd rather not read that out, to be honest.",
    "I don't really want to give that out on a call, sorry.",
    "I'm not comfortable giving that out, I'm afraid.",
  ]);
}

/** The agent, heard an answer to something else, brings the caller back to the question (`what`: what it asked for). */
export function askAgain(what: string, random: Random): string {
  return pick(random, [
    `I'll get to that in a moment. First I just need ${what}, please?`,
    `Sure, we'll come to that. Before I can look, could you give me ${what}?`,
    `Okay, I hear you. To pull up the file I still need ${what}. Could you read that out?`,
  ]);
}

/** The agent, declined, offers another way to verify the caller. */
export function otherRoute(random: Random): string {
  return pick(random, [
    "That's okay. I can verify you another way: could you give me the last four digits of the phone number on the account?",
    'No problem. Instead, can you confirm the last four digits of the phone number we have for you?',
    "That's fine, we can do it differently. What are the last four digits of the phone number on the account?",
  ]);
}

/** The caller gives the other route's answer (the last four digits of their phone). */
export function giveOtherRoute(phone4: string, random: Random): string {
  return pick(random, [
    `Sure, that's ${phone4}.`,
    `Okay, yeah, ${phone4}.`,
    `That I can do. It's ${phone4}.`,
    `The last four are ${phone4}.`,
  ]);
}

/** What the caller says when answering the question it was brought back to. */
export function backToQuestion(random: Random): string {
  return pick(random, ['Oh, right, sorry.', 'Oh, okay.', 'Right, sure.', 'Ah, sorry, yes.']);
}
