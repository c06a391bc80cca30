import { defaultPersonas } from '@synthcall/personas';
import { spokenForm, writtenForm } from '@synthcall/spoken-form';
import { describe, expect, it } from 'vitest';
import { ScriptedLlmProvider } from '../../adapters/scripted-llm-provider.js';
import { callContext } from '../context.js';
import { pick, seededRandom } from '../random.js';
import { simulateCall } from '../simulate.js';
import { parseDirectorState } from './director.js';
import { groundTruthRecord } from './ground-truth.js';
import { misheardFigure } from './repair.js';

describe('misunderstanding and repair', () => {
  it('finds the figure the listener heard differently, and none when the figures agree or a repair is answered', () => {
    const spoken = [{ turn: 3, move: 'give_identity', text: 'The account number is TC-61129930.' }];
    const heard = (content: string) => [{ role: 'user' as const, content, turn: 3 }];
    expect(misheardFigure(heard('The account number is TC-61729930.'), spoken, 4)).toEqual({
      said: 'TC-61129930',
      heard: 'TC-61729930',
    });
    expect(misheardFigure(heard('The account number is TC-61129930.'), spoken, 4)).toBeNull();
    // Written back from a recogniser's words, an id can lose what words do not carry: it is still the same id.
    expect(misheardFigure(heard('The account number is TC61129930.'), spoken, 4)).toBeNull();
    expect(misheardFigure(heard('The account number is'), spoken, 4)).toBeNull();
    const corrected = [{ ...spoken[0], move: 'correct' } as (typeof spoken)[number]];
    expect(misheardFigure(heard('The account number is TC-61729930.'), corrected, 4)).toBeNull();
  });

  it('reads nothing back when the recogniser heard every word right, whatever shape the figures have', () => {
    // Said → the recogniser's words → written back (`withHeard`): the round trip may change a figure's look (a
    // leading "A" or "I" read as a word, an ISO date as a spoken date); nobody misheard anything, so no repair.
    const lines = [
      'Your reference is AM-350454.',
      'The invoice is INV-55031, from last month.',
      'My date of birth is 1986-03-14.',
      'It is BW-40718823 I think.',
      'KC-1048823 one more thing.',
      'I paid $91.17 on 2026-11-03 at 8:04 am.',
      'Call me back by 3 pm. I have a meeting.',
    ];
    for (const text of lines) {
      const spoken = [{ turn: 3, move: 'give_identity', text }];
      const heard = [{ role: 'user' as const, content: writtenForm(spokenForm(text)).text, turn: 3 }];
      expect(misheardFigure(heard, spoken, 4), text).toBeNull();
    }
  });

  it('reads a misheard id back and has it corrected, the call still ending as planned with exact labels', async () => {
    const personas = defaultPersonas();
    const random = seededRandom('repair');
    const provider = new ScriptedLlmProvider();
    // A recogniser that takes every 1 for a 7 and writes figures in words, as twilio-sim's does.
    const hear = (text: string) => spokenForm(text.replace(/1/g, '7'));
    let repairs = 0;
    for (let i = 0; i < 20; i++) {
      const context = callContext({
        callId: `call-${i}`,
        seed: `repair-${i}`,
        maxTurns: 60,
        customer: pick(random, personas.customers),
        agent: pick(random, personas.agents),
      });
      const { lines, state } = await simulateCall(
        context,
        { agent: provider, customer: provider },
        {
          voices: {
            agent: { voice: 'man', language: 'en-US' },
            customer: { voice: 'woman', language: 'en-US' },
          },
          hear,
        },
      );
      const director = parseDirectorState(state.director, context);
      expect(state.end?.reason, `call ${i}`).toBe(director.plan.intendedOutcome);
      director.turns.forEach((t, k) => {
        if (t.move !== 'read_back') return;
        repairs++;
        const next = director.turns[k + 1];
        expect(next?.move).toBe('correct');
        expect(next?.role).not.toBe(t.role);
      });
      for (const span of director.truth.pii)
        expect(lines.find((l) => l.turn === span.turn)?.text.slice(span.start, span.end)).toBe(span.value);
    }
    expect(repairs).toBeGreaterThan(5);
  });

  it('records every misheard figure in the ground truth: a noticed one with its read-back and correction, an unnoticed one without', async () => {
    const personas = defaultPersonas();
    const random = seededRandom('repair-truth');
    const provider = new ScriptedLlmProvider();
    const hear = (text: string) => spokenForm(text.replace(/1/g, '7'));
    const seen = { noticed: 0, unnoticed: 0 };
    for (let i = 0; i < 30; i++) {
      const context = callContext({
        callId: `call-${i}`,
        seed: `repair-truth-${i}`,
        maxTurns: 60,
        customer: pick(random, personas.customers),
        agent: pick(random, personas.agents),
      });
      const { state } = await simulateCall(
        context,
        { agent: provider, customer: provider },
        {
          voices: {
            agent: { voice: 'man', language: 'en-US' },
            customer: { voice: 'woman', language: 'en-US' },
          },
          hear,
        },
      );
      const director = parseDirectorState(state.director, context);
      const truth = groundTruthRecord(state, context, { name: 'scripted', model: null }, 1, 0);
      const turn = (n: number | null) => director.turns.find((t) => t.turn === n);
      // Every read-back is one recorded misunderstanding, and so is every one that went by; but for the caller's
      // query of a figure the agent misstated (deviation.ts), which is one only if that figure was misheard too.
      const slips = truth.deviations.filter((d) => d.kind === 'self_correction' && d.words === d.wrong);
      const slipQueries = new Set(slips.map((d) => d.turn + 1));
      const readBacks = director.turns.filter((t) => t.move === 'read_back').map((t) => t.turn);
      expect(
        truth.misunderstandings
          .filter((m) => m.noticed && !slipQueries.has(m.readBackTurn ?? -1))
          .map((m) => m.readBackTurn),
        `call ${i}`,
      ).toEqual(readBacks.filter((t) => !slipQueries.has(t)));
      for (const m of truth.misunderstandings) {
        const slip = slips.find((d) => d.turn === m.turn);
        const line = turn(m.turn);
        expect(line?.role, `call ${i} turn ${m.turn}`).toBe(m.role);
        expect(line?.text).toContain(m.said);
        expect(m.said).toMatch(/1/);
        expect(m.heard).not.toBe(m.said);
        if (m.noticed) {
          seen.noticed++;
          expect(m.readBackTurn).toBe(m.turn + 1);
          expect(turn(m.readBackTurn)?.text).toContain(m.heard);
          expect(m.correctionTurn).toBe(m.turn + 2);
          expect(turn(m.correctionTurn)).toMatchObject({ move: 'correct', role: m.role });
          // A misheard slip is put right with the figure meant, not the one said.
          expect(turn(m.correctionTurn)?.text).toContain(slip?.right ?? m.said);
        } else {
          seen.unnoticed++;
          expect(m.readBackTurn).toBeNull();
          expect(m.correctionTurn).toBeNull();
          expect(turn(m.turn + 1)?.move).not.toBe('read_back');
        }
      }
    }
    expect(seen.noticed).toBeGreaterThan(5);
    expect(seen.unnoticed).toBeGreaterThan(0);
  });
});
