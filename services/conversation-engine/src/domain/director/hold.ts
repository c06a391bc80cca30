import { chance, intBetween, pick, type Random } from '../random.js';
import type { Role } from '../types.js';

/**
 * Holds that take call time: once the caller has agreed to hold (the plan's `hold` move, then `accept_hold`), the
 * agent's next line comes after a stretch of silence on the line, as long as a look-up or a word with a supervisor
 * takes. Recorded contact-center holds run from a few seconds to minutes, most of them past half a minute (issue 14).
 * The director decides the length for every provider; the gateway plays it before the line (`ReplyReady.pauseSec`).
 */

/** Share of holds that are a quick look (under 30 s); the rest last 30 s to a few minutes. */
const SHORT_HOLD_CHANCE = 0.1;
const SHORT_HOLD_SEC: [number, number] = [10, 29];
const LONG_HOLD_SEC: [number, number] = [30, 240];

/** How long the agent keeps the caller on hold, in whole seconds (Twilio's `<Pause length>` is whole seconds). */
export function holdSeconds(random: Random): number {
  if (chance(random, SHORT_HOLD_CHANCE)) return intBetween(random, ...SHORT_HOLD_SEC);
  // Log-uniform: half a minute is common, four minutes rare.
  const [low, high] = LONG_HOLD_SEC;
  return Math.round(low * (high / low) ** random.next());
}

/** Whether `role`'s line at `turn` comes back from a hold: the caller agreed to hold in the turn before. */
export function returnsFromHold(
  role: Role,
  turn: number,
  spoken: ReadonlyArray<{ turn: number; move: string }>,
): boolean {
  return role === 'agent' && spoken.find((t) => t.turn === turn - 1)?.move === 'accept_hold';
}

/** How often a caller asked for an id goes to find it and leaves the line silent. */
export const STALL_CHANCE = 0.25;
const SILENCE_SEC: [number, number] = [8, 20];

/** Whether `role` at `turn` was just asked for an identifier by the other side (the moment to go and find it). */
export function askedForId(
  role: Role,
  turn: number,
  spoken: ReadonlyArray<{ turn: number; move: string }>,
): boolean {
  const asked = spoken.find((t) => t.turn === turn - 1)?.move;
  return role === 'customer' && (asked === 'verify' || asked === 'reverify');
}

/** What a caller says before going quiet to look for what was asked. */
export function stall(random: Random): string {
  return pick(random, [
    'Hold on, let me find it.',
    'Oh, one second, I need to find it.',
    'Hold on, it is in my other bag.',
    'Um, one moment, let me look.',
    'One second, let me grab the letter.',
  ]);
}

/** The agent, after waiting in silence for the caller: how long it waited, and what it asks. */
export function stillThere(random: Random): { pauseSec: number; line: string } {
  return {
    pauseSec: intBetween(random, ...SILENCE_SEC),
    line: pick(random, [
      'Hello? Are you still there?',
      'Are you still there?',
      'Hello, are you still with me?',
    ]),
  };
}

/** The caller, back on the line after the agent asked. */
export function stillHere(random: Random): string {
  return pick(random, [
    "Yes, sorry, I'm here.",
    'Yes, sorry about that.',
    'Yeah, still here, sorry.',
    'Sorry, yes.',
  ]);
}

/** What the agent says first when the caller is back: thanks for waiting, and whether the caller is still there. */
export function backFromHold(seconds: number, random: Random): string {
  const thanks = pick(random, [
    'Thank you for holding.',
    'Thanks for holding.',
    'Thanks for waiting.',
    'Sorry for the wait.',
    'Thank you for your patience.',
  ]);
  return seconds >= 90 && chance(random, 0.5) ? `${thanks} Sorry that took a while.` : thanks;
}
