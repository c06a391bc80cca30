import { type AgentPersona, defaultPersonas } from '@synthcall/personas';
import { describe, expect, it } from 'vitest';
import { callContext } from '../context.js';
import { issueAsSaid } from './planner.js';

const set = defaultPersonas();
const agent = set.agents[0] as AgentPersona;
const words = (text: string) =>
  text
    .toLowerCase()
    .split(/\s+/)
    .map((w) => w.replace(/^[^\p{L}\p{N}$]+|[^\p{L}\p{N}]+$/gu, ''))
    .filter((w) => w !== '');
const sharesEight = (a: string, b: string) => {
  const grams = new Set<string>();
  const x = words(a);
  const y = words(b);
  for (let i = 0; i + 8 <= x.length; i++) grams.add(x.slice(i, i + 8).join(' '));
  for (let i = 0; i + 8 <= y.length; i++) if (grams.has(y.slice(i, i + 8).join(' '))) return true;
  return false;
};

describe("a persona's issue as a caller says it", () => {
  const tellings = set.customers.flatMap((customer) =>
    Array.from({ length: 10 }, (_, i) => ({
      customer,
      said: issueAsSaid(callContext({ callId: 'c', seed: `s${i}`, maxTurns: 60, customer, agent })),
    })),
  );

  it("rarely says eight words of the persona's text in a row (at most 10% of tellings)", () => {
    const verbatim = tellings.filter((t) => sharesEight(t.customer.issue, t.said)).length;
    expect(verbatim / tellings.length).toBeLessThanOrEqual(0.1);
  });

  it('is worded differently from call to call of one persona', () => {
    for (const customer of set.customers) {
      const own = new Set(tellings.filter((t) => t.customer === customer).map((t) => t.said));
      expect(own.size, customer.issue).toBeGreaterThan(1);
    }
  });

  it("keeps the persona's figures and names, so the call is still about the persona's problem", () => {
    for (const { customer, said } of tellings) {
      for (const figure of customer.issue.match(/\$[\d,.]*\d|\b[A-Z][a-z]+ [A-Z][a-z]+\b/g) ?? [])
        if (!/^(Was|Has|Wants|Needs|Her|His)\b/.test(figure)) expect(said, customer.issue).toContain(figure);
    }
  });

  it('is the same telling for the same seed', () => {
    const customer = set.customers[0];
    if (!customer) throw new Error('no customer persona');
    const ctx = callContext({ callId: 'c', seed: 'again', maxTurns: 60, customer, agent });
    expect(issueAsSaid(ctx)).toBe(issueAsSaid(ctx));
  });
});
