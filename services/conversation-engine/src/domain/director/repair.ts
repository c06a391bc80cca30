import { figureKey, spokenForm, writtenForm } from '@synthcall/spoken-form';
import { pick, type Random } from '../random.js';
import type { ChatMessage } from '../types.js';

/**
 * Misunderstanding and repair: the recogniser got a figure or an id wrong (twilio-sim confuses digits, and writes them in words), the listener
 * notices most of the time and reads back what it heard, and the speaker corrects it. The director sees both sides:
 * what the listener heard (its history) and what was said (the ground truth's turns).
 */

/** How often a listener notices a figure that came through wrong (the rest go by unnoticed, as on real calls). */
export const NOTICE_CHANCE = 0.8;
/** Moves that are themselves part of a repair or an acknowledgement: no repair of a repair. */
const NOT_REPAIRED = new Set(['read_back', 'correct', 'backchannel']);

/**
 * The figures of a line of three digits or more. What was heard came through a recogniser, which writes figures in
 * words, and back into written form (`withHeard`): so figures are compared by `figureKey`, which ignores what words
 * cannot carry ("TC-88213007" and "TC88213007", "$80.00" and "$80").
 */
function figures(text: string): string[] {
  return text
    .split(/\s+/)
    .map((w) => w.replace(/^[^\p{L}\p{N}$]+|[^\p{L}\p{N}]+$/gu, ''))
    .filter((w) => /\d/.test(w) && figureKey(w).replace(/\D/g, '').length >= 3);
}

/**
 * The first figure of the other side's last line that the listener heard differently (same count of figures, so each
 * is paired with its own); null when all came through.
 */
export function misheardFigure(
  history: readonly ChatMessage[],
  spoken: ReadonlyArray<{ turn: number; move: string; text: string }>,
  turn: number,
): { said: string; heard: string } | null {
  const last = history.at(-1);
  if (last?.role !== 'user' || last.turn !== turn - 1) return null;
  const said = spoken.find((t) => t.turn === last.turn);
  if (!said || NOT_REPAIRED.has(said.move)) return null;
  // Compared with what the listener would hold had every word come through: the said line through the recogniser's
  // words and back, so what that round trip alone changes ("AM-350454" → "A M-350454", an ISO date → "March 14th,
  // 1986") is on both sides and is no mishearing.
  const expected = figures(writtenForm(spokenForm(said.text)).text);
  const b = figures(last.content);
  if (expected.length === 0 || expected.length !== b.length) return null;
  const i = expected.findIndex((x, k) => figureKey(x) !== figureKey(b[k] ?? ''));
  if (i < 0) return null;
  // The correction says the figure as it was said, where the round trip kept the figures in step.
  const a = figures(said.text);
  return { said: (a.length === expected.length ? a[i] : expected[i]) as string, heard: b[i] as string };
}

export function readBack(heard: string, random: Random): string {
  return pick(random, [
    `Sorry, was that ${heard}?`,
    `Sorry, did you say ${heard}?`,
    `Just to check, ${heard}?`,
    `Hang on, ${heard}?`,
  ]);
}

export function correction(said: string, random: Random): string {
  return pick(random, [
    `No, ${said}.`,
    `No, it's ${said}.`,
    `Sorry, no: ${said}.`,
    `Not quite, it's ${said}.`,
  ]);
}
