import { defaultPersonas } from '@synthcall/personas';
import { spokenForm, writtenForm } from '@synthcall/spoken-form';
import { describe, expect, it } from 'vitest';
import { ScriptedLlmProvider } from '../../adapters/scripted-llm-provider.js';
import { callContext } from '../context.js';
import { pick, seededRandom } from '../random.js';
import { simulateCall } from '../simulate.js';
import { selfCorrection, slipIn } from './deviation.js';
import { parseDirectorState } from './director.js';
import { groundTruthRecord } from './ground-truth.js';

const VOICES = {
  agent: { voice: 'man', language: 'en-US' },
  customer: { voice: 'woman', language: 'en-US' },
};

/** Scripted calls through a recogniser that hears every word (written back from its spoken form, as the engine reads it). */
async function calls(seed: string, count: number) {
  const personas = defaultPersonas();
  const random = seededRandom(seed);
  const provider = new ScriptedLlmProvider();
  const out = [];
  for (let i = 0; i < count; i++) {
    const context = callContext({
      callId: `call-${i}`,
      seed: `${seed}-${i}`,
      maxTurns: 60,
      customer: pick(random, personas.customers),
      agent: pick(random, personas.agents),
    });
    const { lines, state } = await simulateCall(
      context,
      { agent: provider, customer: provider },
      { voices: VOICES, hear: (text) => writtenForm(spokenForm(text)).text },
    );
    out.push({
      context,
      lines,
      state,
      director: parseDirectorState(state.director, context),
      truth: groundTruthRecord(state, context, { name: 'scripted', model: null }, 1, 0),
    });
  }
  return out;
}

describe('deviations: the agent misstates a figure, the caller answers another question or declines', () => {
  it('misstates a figure of the line near the true one, never a protected span, and says the true one last', () => {
    const random = seededRandom('slip');
    const line = 'I see a payment of $218.71 on June 6th at 3:13 pm; reference KT-482913, within 5 days.';
    for (let i = 0; i < 50; i++) {
      const slip = slipIn(line, [], random);
      expect(slip).not.toBeNull();
      if (!slip) continue;
      expect(line.slice(slip.start, slip.end)).toBe(slip.right);
      expect(slip.wrong).not.toBe(slip.right);
      // The same kind of figure, of the same shape: a misreading, not another fact.
      expect(slip.wrong.replace(/\d/g, '0')).toMatch(
        /^\$000\.00$|^June 0+(st|nd|rd|th)$|^0+:00 pm$|^KT-000000$|^0+ days$/,
      );
      const words = selfCorrection(slip, random);
      expect(words.startsWith(slip.wrong)).toBe(true);
      expect(words.endsWith(slip.right)).toBe(true);
    }
    // A figure inside a protected span (the caller's own data) is never misstated.
    const card = 'The card ending 4821 was charged $40.00.';
    const at = card.indexOf('$40.00');
    expect(slipIn(card, [{ start: at, end: at + 6 }], random)).toBeNull();
  });

  it('has the agent put each misstated figure right with the true one from the call, last in the correcting turn', async () => {
    const made = await calls('slips', 60);
    const seen = { sameTurn: 0, queried: 0 };
    for (const { director, truth, state } of made) {
      expect(state.end?.reason).toBe(director.plan.intendedOutcome);
      const turn = (n: number | null) => director.turns.find((t) => t.turn === n);
      for (const d of truth.deviations.filter((x) => x.kind === 'self_correction')) {
        expect(d.role).toBe('agent');
        expect(turn(d.turn)?.text).toContain(d.words);
        expect(d.wrong).not.toBe(d.right);
        expect(d.repaired).toBe(true);
        const fix = turn(d.repairTurn)?.text ?? '';
        // The true figure is the last one said about it: after the wrong one in the same breath, or the agent's
        // answer to the caller's query.
        expect(fix.lastIndexOf(d.right as string)).toBeGreaterThan(
          d.repairTurn === d.turn ? fix.indexOf(d.wrong as string) : -1,
        );
        if (d.repairTurn === d.turn) {
          seen.sameTurn++;
          expect(d.words.endsWith(d.right as string)).toBe(true);
        } else {
          seen.queried++;
          expect(turn(d.turn + 1)).toMatchObject({ role: 'customer', move: 'read_back' });
          expect(turn(d.turn + 1)?.text).toContain(d.wrong);
          expect(d.repairTurn).toBe(d.turn + 2);
          expect(turn(d.repairTurn)).toMatchObject({ role: 'agent', move: 'correct' });
          expect(fix.trim().endsWith(`${d.right}.`)).toBe(true);
        }
      }
    }
    expect(seen.sameTurn).toBeGreaterThan(2);
    expect(seen.queried).toBeGreaterThan(0);
  });

  it('follows a refusal with another way to verify, and an off-question answer with the question again, then the answer', async () => {
    const made = await calls('deflect', 80);
    const seen = { refusal: 0, off_question: 0 };
    for (const { director, truth, state, context } of made) {
      expect(state.end?.reason).toBe(director.plan.intendedOutcome);
      const turn = (n: number) => director.turns.find((t) => t.turn === n);
      for (const d of truth.deviations.filter((x) => x.kind !== 'self_correction')) {
        seen[d.kind as 'refusal' | 'off_question']++;
        expect(d).toMatchObject({ role: 'customer', wrong: null, right: null, repaired: true });
        expect(turn(d.turn - 1)?.move).toBe('verify');
        expect(turn(d.turn)).toMatchObject({ move: d.kind, text: d.words });
        expect(d.repairTurn).toBe(d.turn + 2);
        if (d.kind === 'refusal') {
          expect(turn(d.turn + 1)?.move).toBe('other_route');
          expect(turn(d.turn + 1)?.text).toMatch(/last four digits of the phone number/);
          // The caller gives what the other way asks for, and it is labelled as the caller's PII.
          const phone4 = context.customer.phone.slice(-4);
          expect(turn(d.turn + 2)).toMatchObject({ move: 'give_identity' });
          expect(turn(d.turn + 2)?.text).toContain(phone4);
          expect(director.truth.pii).toContainEqual(
            expect.objectContaining({ turn: d.turn + 2, value: phone4 }),
          );
        } else {
          expect(turn(d.turn + 1)?.move).toBe('ask_again');
          expect(turn(d.turn + 2)?.move).toBe('give_identity');
        }
        // The agent's next own line goes on with the verification the answer gave it (an id without three digits
        // is asked for again, as in any call), and asks nothing of the deviation again.
        expect(director.turns.find((t) => t.turn > d.turn + 2 && t.role === 'agent')?.move).toMatch(
          /^(confirm_identity|reverify|read_back|backchannel)$/,
        );
      }
    }
    expect(seen.refusal).toBeGreaterThan(2);
    expect(seen.off_question).toBeGreaterThan(2);
  });

  it('puts deviations in some calls of a seeded run, and the same seed puts them in the same places', async () => {
    const first = await calls('share', 40);
    const again = await calls('share', 40);
    const withKind = (kind: string) =>
      first.filter((c) => c.truth.deviations.some((d) => d.kind === kind)).length;
    expect(withKind('self_correction')).toBeGreaterThan(1);
    expect(withKind('self_correction')).toBeLessThan(16);
    expect(withKind('off_question') + withKind('refusal')).toBeGreaterThan(1);
    expect(withKind('off_question') + withKind('refusal')).toBeLessThan(16);
    expect(again.map((c) => c.truth.deviations)).toEqual(first.map((c) => c.truth.deviations));
  });
});
