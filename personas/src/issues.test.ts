import { describe, expect, it } from 'vitest';
import { drawIssue, firstSentence, issueChoices, withPlannedIssue } from './issues.js';
import { defaultPersonas } from './load.js';

const { customers } = defaultPersonas();
const named = (name: string) =>
  customers.find((c) => c.name === name) ?? (customers[0] as (typeof customers)[0]);

describe('the issues a customer persona calls about', () => {
  it("are its own and its company's other customers' issues, said with its own name and pronouns", () => {
    const hannah = named('Hannah Liu');
    const choices = issueChoices(hannah, customers);
    expect(choices[0]).toBe(hannah);
    expect(choices.length).toBeGreaterThan(1);
    for (const c of choices) {
      expect(c.company).toBe(hannah.company);
      expect(c.id).toBe(hannah.id);
      expect(c.identifiers).toEqual(hannah.identifiers);
    }
    // Aisha Bello's wheelchair request, made by Hannah: her own first name, not Aisha's.
    const wheelchair = choices.find((c) => /wheelchair/.test(c.issue));
    expect(wheelchair?.issue).toContain('Hannah');
    expect(wheelchair?.issue).not.toContain('Aisha');
    const eugene = named('Eugene Hartley');
    for (const c of issueChoices(eugene, customers).slice(1)) expect(c.issue).not.toMatch(/\b(she|her)\b/i);
  });

  it('draws its own issue part of the time and several others, each found again from the plan', () => {
    const dana = named('Dana Whitfield');
    let state = 7;
    const random = () => {
      state = (state * 16807) % 2147483647;
      return state / 2147483647;
    };
    const drawn = Array.from({ length: 200 }, () => drawIssue(dana, customers, random));
    const own = drawn.filter((c) => c.issue === dana.issue).length;
    expect(own).toBeGreaterThan(50);
    expect(own).toBeLessThan(120);
    expect(new Set(drawn.map((c) => c.issue)).size).toBeGreaterThan(3);
    for (const c of drawn) {
      const planned = { issueCategory: c.issueCategory, summary: firstSentence(c.issue) };
      expect(withPlannedIssue(dana, customers, planned).issue).toBe(c.issue);
    }
  });

  it('keeps to the issues a request allows', () => {
    const dana = named('Dana Whitfield');
    const drawn = Array.from({ length: 50 }, (_, i) =>
      drawIssue(
        dana,
        customers,
        () => (i % 10) / 10,
        (c) => c.issueComplexity <= 2,
      ),
    );
    for (const c of drawn) expect(c.issue === dana.issue || c.issueComplexity <= 2).toBe(true);
  });
});
