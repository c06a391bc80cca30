import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { uncoveredCustomers } from './coverage.js';
import { defaultPersonas, EMBEDDED_AGENTS_FILE, EMBEDDED_CUSTOMERS_FILE, loadPersonaFile } from './load.js';
import { fillPlaceholders } from './placeholders.js';
import { DEFAULT_CUSTOMER_VOICE, type PersonaSet } from './schema.js';

const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const set: PersonaSet = defaultPersonas();
const { customers, agents } = set;

function counts<T>(values: readonly T[]): Map<T, number> {
  const out = new Map<T, number>();
  for (const value of values) out.set(value, (out.get(value) ?? 0) + 1);
  return out;
}

describe('the embedded persona files', () => {
  it('live at the package root, where both src/ and dist/ resolve them', () => {
    expect(fileURLToPath(EMBEDDED_CUSTOMERS_FILE)).toBe(join(packageRoot, 'customers.json'));
    expect(fileURLToPath(EMBEDDED_AGENTS_FILE)).toBe(join(packageRoot, 'agents.json'));
  });

  it('are marked synthetic and versioned', async () => {
    for (const url of [EMBEDDED_CUSTOMERS_FILE, EMBEDDED_AGENTS_FILE]) {
      const contents = await loadPersonaFile(url);
      expect(contents.format).toBe('synthcall');
      expect(contents.synthetic).toBe(true);
      expect(contents.version).toBe(1);
    }
  });
});

describe('the embedded customers', () => {
  it('number at least 40', () => {
    expect(customers.length).toBeGreaterThanOrEqual(40);
  });

  it('cover the six required industries, each with at least five customers', () => {
    const byIndustry = counts(customers.map((c) => c.industry));
    for (const industry of [
      'telecom',
      'banking',
      'ecommerce',
      'travel',
      'utilities',
      'healthcare_billing',
    ] as const) {
      expect(byIndustry.get(industry) ?? 0, industry).toBeGreaterThanOrEqual(5);
    }
  });

  it('use every issue complexity from 1 to 5 at least four times', () => {
    const byComplexity = counts(customers.map((c) => c.issueComplexity));
    for (const level of [1, 2, 3, 4, 5])
      expect(byComplexity.get(level) ?? 0, `complexity ${level}`).toBeGreaterThanOrEqual(4);
  });

  it('spread over at least eight demeanors, calm to angry', () => {
    const demeanors = new Set(customers.map((c) => c.demeanor));
    expect(demeanors.size).toBeGreaterThanOrEqual(8);
    for (const demeanor of [
      'calm',
      'friendly',
      'impatient',
      'frustrated',
      'angry',
      'anxious',
      'confused',
      'skeptical',
    ] as const) {
      expect(demeanors, demeanor).toContain(demeanor);
    }
  });

  it('use every technical proficiency and length preference at least eight times', () => {
    const proficiency = counts(customers.map((c) => c.technicalProficiency));
    const length = counts(customers.map((c) => c.conversationLengthPreference));
    for (const value of ['low', 'medium', 'high'] as const)
      expect(proficiency.get(value) ?? 0, value).toBeGreaterThanOrEqual(8);
    for (const value of ['short', 'medium', 'long'] as const)
      expect(length.get(value) ?? 0, value).toBeGreaterThanOrEqual(8);
  });

  it('span at least twelve issue categories', () => {
    expect(new Set(customers.map((c) => c.issueCategory)).size).toBeGreaterThanOrEqual(12);
  });

  it('carry only fictional contact data: 555-01xx phones and example.com/.net emails, none repeated', () => {
    for (const customer of customers) {
      expect(customer.phone, customer.id).toMatch(/^\+1\d{3}55501\d{2}$/);
      expect(customer.email, customer.id).toMatch(/@example\.(?:com|net)$/);
    }
    expect(new Set(customers.map((c) => c.phone)).size).toBe(customers.length);
    expect(new Set(customers.map((c) => c.email)).size).toBe(customers.length);
  });

  it('each name the company they call and speak en-US with a neural voice', () => {
    for (const customer of customers) {
      expect(customer.company, customer.id).toBeTruthy();
      expect(customer.language).toBe('en-US');
      expect(customer.voice).toMatch(/^Polly\.[A-Za-z]+-Neural$/);
    }
  });

  it('mostly carry identifiers a caller would read out', () => {
    const withIdentifiers = customers.filter((c) => c.identifiers.length > 0);
    expect(withIdentifiers.length).toBeGreaterThanOrEqual(customers.length - 3);
  });
});

describe('the embedded agents', () => {
  it('number at least twelve', () => {
    expect(agents.length).toBeGreaterThanOrEqual(12);
  });

  it('use every competence level from 1 to 5 at least twice', () => {
    const byCompetence = counts(agents.map((a) => a.competence));
    for (const level of [1, 2, 3, 4, 5])
      expect(byCompetence.get(level) ?? 0, `competence ${level}`).toBeGreaterThanOrEqual(2);
  });

  it('show at least eight different attitudes', () => {
    expect(new Set(agents.map((a) => a.attitude)).size).toBeGreaterThanOrEqual(8);
  });

  it('never speak with a voice any customer uses, nor the customers default voice', () => {
    const customerVoices = new Set(customers.map((c) => c.voice));
    for (const agent of agents) {
      expect(agent.voice, agent.id).not.toBe(DEFAULT_CUSTOMER_VOICE);
      expect(customerVoices.has(agent.voice), `${agent.id} uses ${agent.voice}`).toBe(false);
    }
    expect(new Set(agents.map((a) => a.voice)).size).toBeGreaterThanOrEqual(6);
  });

  it('greet with the customer company once {company} is filled in', () => {
    for (const agent of agents) {
      const greeting = fillPlaceholders(agent.scriptedIntroduction, { company: 'Acme Test Co' });
      expect(greeting, agent.id).toContain('Acme Test Co');
      expect(greeting, agent.id).not.toMatch(/[{}]/);
      expect(fillPlaceholders(agent.farewell, { company: 'Acme Test Co' }), agent.id).not.toMatch(/[{}]/);
    }
  });
});

describe('pairing candidates in the embedded set', () => {
  it('give every customer at least one agent skilled in both their industry and issue category', () => {
    const uncovered = customers.filter(
      (c) =>
        !agents.some(
          (a) =>
            a.skills.industries.includes(c.industry) && a.skills.issueCategories.includes(c.issueCategory),
        ),
    );
    expect(uncovered.map((c) => c.id)).toEqual([]);
    expect(uncoveredCustomers(set)).toEqual([]);
  });

  it('give every customer a skilled agent whose competence is at least the issue complexity', () => {
    const unmatched = customers.filter(
      (c) =>
        !agents.some(
          (a) =>
            a.competence >= c.issueComplexity &&
            a.skills.industries.includes(c.industry) &&
            a.skills.issueCategories.includes(c.issueCategory),
        ),
    );
    expect(unmatched.map((c) => c.id)).toEqual([]);
  });

  it('reports a customer no agent is skilled for as uncovered', () => {
    const [first] = customers;
    if (first === undefined) throw new Error('no customers');
    const stranded = {
      ...first,
      id: 'cust-stranded',
      industry: 'insurance' as const,
      issueCategory: 'address_change' as const,
    };
    expect(uncoveredCustomers({ customers: [first, stranded], agents }).map((c) => c.id)).toEqual([
      'cust-stranded',
    ]);
  });
});
