import { type AgentPersona, type CustomerPersona, defaultPersonas } from '@synthcall/personas';
import { describe, expect, it } from 'vitest';
import { ScriptedLlmProvider } from '../../adapters/scripted-llm-provider.js';
import { callContext } from '../context.js';
import { parseDirectorState } from '../director/director.js';
import { simulateCall } from '../simulate.js';
import { callFigures } from './figures.js';
import { figuresOf, type ScriptedState } from './planner.js';

const MONEY = /\$\d{1,3}(?:,\d{3})*(?:\.\d{2})?/g;
const DATE =
  /\b(January|February|March|April|May|June|July|August|September|October|November|December) (\d{1,2})(?:st|nd|rd|th)?\b/g;
const plainMoney = (m: string) => m.replace(/\.00$/, '');
const plainDate = (d: string) => d.replace(/(\d)(?:st|nd|rd|th)$/, '$1');

describe('call figures', () => {
  it('are the same for the same seed and keep their dates in order around the call', () => {
    for (let i = 0; i < 200; i++) {
      const f = callFigures(`seed-${i}`, { money: '$42.10' });
      expect(callFigures(`seed-${i}`, { money: '$42.10' })).toEqual(f);
      const { today, start, date0, date, date2, payDate, noteDate, when } = f.at;
      expect(start).toBeLessThan(date0);
      expect(noteDate).toBeLessThan(payDate);
      expect(payDate).toBeLessThan(date0);
      expect(date0).toBeLessThan(date);
      expect(date).toBeLessThan(date2);
      expect(date2).toBeLessThanOrEqual(today);
      expect(when).toBeGreaterThan(today);
      expect(f.money).toBe('$42.10');
      // Waking hours only: nobody was "at work at 3:12 am".
      const [, hour, half] = /^(\d+):\d\d (am|pm)$/.exec(f.clock) ?? [];
      const h24 = (Number(hour) % 12) + (half === 'pm' ? 12 : 0);
      expect(h24).toBeGreaterThanOrEqual(7);
      expect(h24).toBeLessThanOrEqual(21);
    }
  });

  it('say a figure the persona names as the persona wrote it', () => {
    const f = callFigures('s', { money: '$2,800', balance: '$2,800', perMonth: '$150' });
    expect(f.balance).toBe('$2,800');
    expect(f.offer).toBe('$150');
  });
});

describe('a scripted call reads one set of figures', () => {
  // Before figures.ts every line drew its own: one call said three balances, a charge "posted" on four dates.
  it('names no amount or date in 300 calls that is not one of its own figures or its personas', async () => {
    const set = defaultPersonas();
    const provider = new ScriptedLlmProvider();
    const strays: string[] = [];
    let amounts = 0;
    let dates = 0;
    for (let i = 0; i < 300; i++) {
      const customer = set.customers[i % set.customers.length] as CustomerPersona;
      const agent = set.agents[(i * 7) % set.agents.length] as AgentPersona;
      const context = callContext({ callId: `c-${i}`, seed: `figures-${i}`, maxTurns: 24, customer, agent });
      const { lines, state } = await simulateCall(context, { agent: provider, customer: provider });
      const plan = (state.director as unknown as ScriptedState).plan;
      const f = figuresOf(context, plan);
      const persona = [
        customer.issue,
        customer.desiredResolution,
        customer.escalationTrigger,
        agent.characteristics,
      ].join(' ');
      const ownMoney = new Set(
        [f.money, f.money2, f.balance, f.pastDue, f.offer, f.lastPayment, plan.facts.amount]
          .concat(persona.match(MONEY) ?? [])
          .map(plainMoney),
      );
      const ownDates = new Set(
        [f.date0, f.date, f.date2, f.payDate, f.noteDate, f.when]
          .concat([`${f.startMonth} ${f.startDay}`])
          .concat([...persona.matchAll(DATE)].map((m) => m[0]))
          .map(plainDate),
      );
      // A figure the agent misstated (and the caller's query of it, the turn after) is the ground truth's, not a stray.
      const misstated = new Set(
        (parseDirectorState(state.director, context).deviations ?? [])
          .filter((d) => d.kind === 'self_correction')
          .flatMap((d) => [`${d.turn} ${d.wrong}`, `${d.turn + 1} ${d.wrong}`]),
      );
      for (const { turn, text } of lines) {
        for (const m of text.match(MONEY) ?? []) {
          amounts++;
          if (!ownMoney.has(plainMoney(m)) && !misstated.has(`${turn} ${m}`))
            strays.push(`${i} ${m}: ${text}`);
        }
        for (const m of text.matchAll(DATE)) {
          dates++;
          if (!ownDates.has(plainDate(m[0])) && !misstated.has(`${turn} ${m[0]}`))
            strays.push(`${i} ${m[0]}: ${text}`);
        }
      }
    }
    // The check has something to check: calls do read out amounts and dates.
    expect(amounts).toBeGreaterThan(300);
    expect(dates).toBeGreaterThan(300);
    expect(strays).toEqual([]);
  }, 60_000);
});

describe('a scripted call does not say the same thing twice', () => {
  // A caller read the same detail out on every answer ("The booking is for January 9th at 11:50 am" three times)
  // and the agent read the first finding again on a third step.
  it('has no sentence of six or more words said twice by one role in 300 calls, but for at most 3', async () => {
    const set = defaultPersonas();
    const provider = new ScriptedLlmProvider();
    const repeated: string[] = [];
    for (let i = 0; i < 300; i++) {
      const customer = set.customers[i % set.customers.length] as CustomerPersona;
      const agent = set.agents[(i * 7) % set.agents.length] as AgentPersona;
      const context = callContext({ callId: `c-${i}`, seed: `repeat-${i}`, maxTurns: 24, customer, agent });
      const { lines } = await simulateCall(context, { agent: provider, customer: provider });
      for (const role of ['agent', 'customer']) {
        const said = new Set<string>();
        for (const line of lines.filter((l) => l.role === role))
          for (const sentence of line.text.split(/(?<=[.?!])\s+/)) {
            if (sentence.split(' ').length < 6) continue;
            if (said.has(sentence)) repeated.push(`${i} ${role}: ${sentence}`);
            said.add(sentence);
          }
      }
    }
    expect(repeated.length, repeated.join('\n')).toBeLessThanOrEqual(3);
  }, 60_000);
});
