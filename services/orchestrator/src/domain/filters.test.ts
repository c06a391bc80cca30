import { defaultPersonas } from '@synthcall/personas';
import { describe, expect, it } from 'vitest';
import { filterAgents, filterCustomers } from './filters.js';

const { customers, agents } = defaultPersonas();
const none = { ids: [], industries: [], minComplexity: null, maxComplexity: null };

describe('persona filters', () => {
  it('treat null and empty fields as no restriction', () => {
    expect(filterCustomers(customers, null)).toEqual(customers);
    expect(filterCustomers(customers, none)).toEqual(customers);
    expect(filterAgents(agents, none)).toEqual(agents);
  });

  it('restrict customers by ids, industry and issue complexity together', () => {
    const picked = filterCustomers(customers, {
      ...none,
      industries: ['telecom', 'travel'],
      minComplexity: 2,
      maxComplexity: 4,
    });
    expect(picked.length).toBeGreaterThan(0);
    expect(picked.length).toBeLessThan(customers.length);
    for (const c of picked) {
      expect(['telecom', 'travel']).toContain(c.industry);
      expect(c.issueComplexity).toBeGreaterThanOrEqual(2);
      expect(c.issueComplexity).toBeLessThanOrEqual(4);
    }
    const id = customers[3]?.id ?? '';
    expect(filterCustomers(customers, { ...none, ids: [id] }).map((c) => c.id)).toEqual([id]);
  });

  it('restrict agents by industry skill and by competence', () => {
    const picked = filterAgents(agents, { ...none, industries: ['insurance'], minComplexity: 4 });
    expect(picked.length).toBeGreaterThan(0);
    for (const a of picked) {
      expect(a.skills.industries).toContain('insurance');
      expect(a.competence).toBeGreaterThanOrEqual(4);
    }
    expect(agents.filter((a) => a.skills.industries.includes('insurance') && a.competence >= 4)).toEqual(
      picked,
    );
  });
});
