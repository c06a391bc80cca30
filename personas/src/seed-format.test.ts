import { beforeAll, describe, expect, it } from 'vitest';
import { loadPersonaFile, loadPersonas, parsePersonas } from './load.js';
import { AGENT_VOICES, ISSUE_CATEGORIES, type PersonaSet } from './schema.js';
import {
  CATEGORY_RULES,
  classify,
  DEMEANOR_RULES,
  inferCompetence,
  inferComplexity,
  inferSkillCategories,
  LENGTH_RULES,
  mapSeedCustomer,
} from './seed-format.js';

const seedCustomersFile = new URL('../test-fixtures/seed/customers.json', import.meta.url);
const seedAgentsFile = new URL('../test-fixtures/seed/agents.json', import.meta.url);

function byName<T extends { name: string }>(list: readonly T[], name: string): T {
  const found = list.find((item) => item.name === name);
  if (found === undefined) throw new Error(`no persona named ${name}`);
  return found;
}

describe('loading the seed persona files as they are', () => {
  let set: PersonaSet;
  beforeAll(async () => {
    set = await loadPersonas({ customersFile: seedCustomersFile, agentsFile: seedAgentsFile });
  });

  it('reads all ten customers and ten agents', async () => {
    expect(set.customers).toHaveLength(10);
    expect(set.agents).toHaveLength(10);
    expect((await loadPersonaFile(seedCustomersFile)).format).toBe('seed');
  });

  it('keeps the seed customer fields verbatim', () => {
    const lucy = byName(set.customers, 'Lucy Macintosh');
    expect(lucy).toMatchObject({
      id: 'cust-lucy-macintosh',
      email: 'lucymacncheezy@frobozone.com',
      phone: '+15129358764',
      issue: "Billing error. Double charged for last month's order.",
      desiredResolution: 'Refund for the additional charge.',
      escalationTrigger: "If agent refuses to process refund or claims billing error doesn't exist",
      demeanorNote: 'Calm but firm.',
      conversationLengthNote: 'Moderate - wants thorough explanation but not excessive details',
      language: 'en-US',
      voice: 'Polly.Joanna-Neural',
    });
    expect(lucy.prompt).toContain("Howard's Duct Tape Warehouse");
  });

  it('maps free-text demeanor, proficiency and length onto the closed sets', () => {
    expect(byName(set.customers, 'Lucy Macintosh')).toMatchObject({
      demeanor: 'calm',
      technicalProficiency: 'medium',
      conversationLengthPreference: 'medium',
    });
    expect(byName(set.customers, 'George Pattinson')).toMatchObject({
      demeanor: 'frustrated',
      technicalProficiency: 'low',
      conversationLengthPreference: 'short',
    });
    // "Anxious and in a hurry." — the first trait named wins.
    expect(byName(set.customers, 'John Doe').demeanor).toBe('anxious');
    expect(byName(set.customers, 'Paula Green').demeanor).toBe('frustrated');
    expect(byName(set.customers, 'Olivia Spencer')).toMatchObject({
      demeanor: 'curious',
      technicalProficiency: 'high',
      conversationLengthPreference: 'long',
    });
    expect(byName(set.customers, 'William Turner').demeanor).toBe('friendly');
    expect(byName(set.customers, 'Emily Watson').demeanor).toBe('businesslike');
    expect(byName(set.customers, 'Jake Davis').demeanor).toBe('calm');
    expect(byName(set.customers, 'Sandy Chen').conversationLengthPreference).toBe('medium');
  });

  it('infers issue category, industry and complexity from the issue text', () => {
    const expected: Record<string, [string, number]> = {
      'Lucy Macintosh': ['billing_dispute', 3],
      'George Pattinson': ['damaged_or_wrong_item', 3],
      'Sandy Chen': ['damaged_or_wrong_item', 2],
      'John Doe': ['address_change', 2],
      'Paula Green': ['order_status', 4],
      'Mike Wilson': ['order_status', 3],
      'Olivia Spencer': ['product_inquiry', 1],
      'William Turner': ['return', 2],
      'Emily Watson': ['product_inquiry', 2],
      'Jake Davis': ['order_status', 2],
    };
    for (const customer of set.customers) {
      expect([customer.issueCategory, customer.issueComplexity], customer.name).toEqual(
        expected[customer.name],
      );
      expect(customer.industry, customer.name).toBe('ecommerce');
    }
  });

  it('keeps the seed agent fields verbatim and derives competence, attitude and skills', () => {
    const sarah = byName(set.agents, 'Sarah');
    expect(sarah).toMatchObject({
      id: 'agent-sarah',
      responseToIssue: 'Empathetic and eager to help.',
      attitude: 'positive',
      attitudeNote: 'Positive and helpful.',
      competence: 5,
      farewell: "I'm glad I could help. Thank you for shopping at Howard's Duct Tape Warehouse!",
    });
    expect(sarah.scriptedIntroduction).toMatch(/^Thank you for calling Howard's Duct Tape Warehouse/);
    expect(sarah.characteristics).toMatch(/^Sarah is a highly competent/);
    expect(sarah.skills).toEqual({ industries: ['ecommerce'], issueCategories: [...ISSUE_CATEGORIES] });

    const mark = byName(set.agents, 'Mark');
    expect(mark).toMatchObject({ competence: 3, attitude: 'indifferent' });
    // "limited billing knowledge, weak on technical specs": admitted weaknesses grant nothing.
    expect(mark.skills.issueCategories).toEqual(
      expect.arrayContaining(['order_status', 'return', 'damaged_or_wrong_item']),
    );
    expect(mark.skills.issueCategories).not.toContain('billing_dispute');
    expect(mark.skills.issueCategories).not.toContain('technical_support');

    expect(byName(set.agents, 'David')).toMatchObject({ competence: 1, attitude: 'nervous' });
    expect(byName(set.agents, 'John')).toMatchObject({ competence: 1, attitude: 'bored' });
    expect(byName(set.agents, 'Rob')).toMatchObject({ competence: 2, attitude: 'chatty' });
    expect(byName(set.agents, 'Angela')).toMatchObject({ competence: 4, attitude: 'friendly' });
    expect(byName(set.agents, 'Tim')).toMatchObject({ competence: 3, attitude: 'rushed' });
    expect(byName(set.agents, 'Emily').competence).toBe(5);
  });

  it('gives seed agents voices from the agent pool, never the customers default', () => {
    for (const agent of set.agents) {
      expect(AGENT_VOICES as readonly string[]).toContain(agent.voice);
      expect(agent.voice).not.toBe('Polly.Joanna-Neural');
    }
    expect(new Set(set.agents.map((a) => a.voice)).size).toBe(AGENT_VOICES.length);
  });

  it('maps the same seed file to the same personas every time', async () => {
    const again = await loadPersonas({ customersFile: seedCustomersFile, agentsFile: seedAgentsFile });
    expect(again).toEqual(set);
  });
});

describe('the seed mapping rules', () => {
  it('pick the trait named earliest in the text', () => {
    expect(classify('Worried, and a little impatient', DEMEANOR_RULES)).toBe('anxious');
    expect(classify('A little impatient and worried', DEMEANOR_RULES)).toBe('impatient');
  });

  it('do not read "impatient" as "patient"', () => {
    expect(classify('Impatient.', DEMEANOR_RULES)).toBe('impatient');
  });

  it('return nothing for text they do not recognise, so the documented default applies', () => {
    expect(classify('Whistles a lot.', DEMEANOR_RULES)).toBeUndefined();
    expect(classify('Whatever works', LENGTH_RULES)).toBeUndefined();
    const mapped = mapSeedCustomer(
      {
        CustomerName: 'Ada Quill',
        ContactInformation: 'ada@example.com',
        PhoneNumber: '+13125550199',
        Issue: 'Something odd.',
        DesiredResolution: 'Help.',
        Demeanor: 'Whistles a lot.',
        TechnicalProficiency: 'Unknown',
        EscalationTrigger: 'Never.',
        ConversationLengthPreference: 'Whatever works',
      },
      0,
    );
    expect(mapped).toMatchObject({
      demeanor: 'calm',
      technicalProficiency: 'medium',
      conversationLengthPreference: 'medium',
      issueCategory: 'product_inquiry',
      industry: 'ecommerce',
      issueComplexity: 1,
    });
    expect(mapped).not.toHaveProperty('prompt');
  });

  it('fall back to the desired resolution when the issue names no category', () => {
    expect(classify('Something odd.', CATEGORY_RULES)).toBeUndefined();
    const mapped = mapSeedCustomer(
      {
        CustomerName: 'Ada Quill',
        ContactInformation: 'ada@example.com',
        PhoneNumber: '+13125550199',
        Issue: 'Something odd happened.',
        DesiredResolution: 'Cancel my subscription.',
        Demeanor: 'Calm.',
        TechnicalProficiency: 'High',
        EscalationTrigger: 'Never.',
        ConversationLengthPreference: 'Short',
      },
      0,
    );
    expect(mapped.issueCategory).toBe('cancellation');
  });

  it('raise complexity for an upset caller and for a request that needs authority, capped at 5', () => {
    expect(inferComplexity('order_status', 'calm', 'Tracking info.')).toBe(2);
    expect(inferComplexity('order_status', 'angry', 'Tracking info.')).toBe(3);
    expect(inferComplexity('order_status', 'angry', 'Expedited shipping.')).toBe(4);
    expect(inferComplexity('fraud', 'angry', 'Waive the fee.')).toBe(5);
  });

  it('shift competence one step for expert or very limited product knowledge', () => {
    expect(inferCompetence('High', 'Good with returns')).toBe(4);
    expect(inferCompetence('High', 'Expert in all areas')).toBe(5);
    expect(inferCompetence('Low', 'Very limited - basic info')).toBe(1);
    expect(inferCompetence('Very high', 'Expert in all areas')).toBe(5);
    expect(inferCompetence('Unclear', 'Some knowledge')).toBe(3);
  });

  it('always let an agent take a general product question', () => {
    expect(inferSkillCategories('Weak on everything but smiles a lot')).toEqual(['product_inquiry']);
  });

  it('accept a parsed seed value as well as file text', () => {
    const contents = parsePersonas(
      {
        AgentPrompts: [
          {
            AgentName: 'Quinn',
            ScriptedIntroduction: 'Hello, this is Quinn.',
            ResponseToIssue: 'Calm.',
            CompetenceLevel: 'Medium',
            Attitude: 'Curt.',
            ProductKnowledge: 'Billing only',
            Farewell: 'Bye.',
            Characteristics: 'Terse.',
          },
        ],
      },
      { file: 'inline.json' },
    );
    expect(contents.agents[0]).toMatchObject({ id: 'agent-quinn', competence: 3, attitude: 'curt' });
    expect(contents.customers).toEqual([]);
  });
});
