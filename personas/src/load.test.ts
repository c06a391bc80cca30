import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PersonaError } from './errors.js';
import { loadPersonaFile, loadPersonas, parsePersonas } from './load.js';

const FILE = 'personas/customers.json';

function customer(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'cust-ada-quill',
    name: 'Ada Quill',
    email: 'ada.quill@example.com',
    phone: '+13125550177',
    industry: 'banking',
    issueCategory: 'fraud',
    issueComplexity: 4,
    issue: 'Two card charges she did not make.',
    desiredResolution: 'Block the card and reverse the charges.',
    demeanor: 'anxious',
    technicalProficiency: 'medium',
    escalationTrigger: 'Being told to wait for a letter.',
    conversationLengthPreference: 'short',
    ...overrides,
  };
}

function agent(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'agent-bo-lund',
    name: 'Bo Lund',
    scriptedIntroduction: 'Thanks for calling {company}, this is Bo.',
    responseToIssue: 'Calm and methodical.',
    competence: 3,
    attitude: 'professional',
    productKnowledge: 'Cards and fraud.',
    farewell: 'Thanks for calling {company}.',
    characteristics: 'Bo is steady.',
    skills: { industries: ['banking'], issueCategories: ['fraud'] },
    ...overrides,
  };
}

/** The customers file, with `bad` as the second entry (index 1) after a valid one. */
function customersWith(bad: Record<string, unknown>): unknown {
  return {
    synthetic: true,
    version: 1,
    customers: [customer({ id: 'cust-first', name: 'First Caller' }), bad],
  };
}

function errorOf(run: () => unknown): PersonaError {
  try {
    run();
  } catch (error) {
    if (error instanceof PersonaError) return error;
    throw error;
  }
  throw new Error('expected a PersonaError');
}

async function asyncErrorOf(run: () => Promise<unknown>): Promise<PersonaError> {
  try {
    await run();
  } catch (error) {
    if (error instanceof PersonaError) return error;
    throw error;
  }
  throw new Error('expected a PersonaError');
}

describe('parsePersonas on our format', () => {
  it('accepts a valid file and fills in language and voice defaults', () => {
    const contents = parsePersonas({ customers: [customer()], agents: [agent()] }, { file: FILE });
    expect(contents.customers[0]).toMatchObject({
      id: 'cust-ada-quill',
      language: 'en-US',
      voice: 'Polly.Joanna-Neural',
      identifiers: [],
    });
    expect(contents.agents[0]).toMatchObject({ id: 'agent-bo-lund', voice: 'Polly.Stephen-Neural' });
  });

  it('names file, entry and field for an out-of-range complexity', () => {
    const error = errorOf(() =>
      parsePersonas(customersWith(customer({ name: 'Dana Whitfield', issueComplexity: 7 })), { file: FILE }),
    );
    expect(error.code).toBe('SYNTH_PERSONA_INVALID');
    expect(error.reason).toBe('invalid_content');
    expect(error.message).toBe(
      'personas/customers.json: customers[1] "Dana Whitfield": issueComplexity: expected a number from 1 to 5',
    );
  });

  it('names file, entry and field for a value of the wrong type', () => {
    const error = errorOf(() =>
      parsePersonas(customersWith(customer({ issueComplexity: 'three' })), { file: FILE }),
    );
    expect(error.message).toBe(
      'personas/customers.json: customers[1] "Ada Quill": issueComplexity: expected a number from 1 to 5',
    );
  });

  it('refuses a 100,000-character name, naming the field', () => {
    const error = errorOf(() =>
      parsePersonas(customersWith(customer({ name: 'A'.repeat(100_000) })), { file: FILE }),
    );
    expect(error.message).toMatch(/customers\[1\] ".*": name: must be at most 100 characters$/);
  });

  it('refuses a file that says its people are not synthetic', () => {
    const error = errorOf(() =>
      parsePersonas({ synthetic: false, customers: [customer({ phone: '+13125551234' })] }, { file: FILE }),
    );
    expect(error.message).toContain('synthetic: must be true: persona files hold synthetic people only');
  });

  it('names file, entry and field for a missing field', () => {
    const bad = customer();
    delete bad.escalationTrigger;
    const error = errorOf(() => parsePersonas(customersWith(bad), { file: FILE }));
    expect(error.message).toBe(
      'personas/customers.json: customers[1] "Ada Quill": escalationTrigger: required field is missing',
    );
  });

  it('lists the allowed values for an unknown enum value', () => {
    const error = errorOf(() =>
      parsePersonas(customersWith(customer({ demeanor: 'grumpy' })), { file: FILE }),
    );
    expect(error.message).toMatch(
      /^personas\/customers\.json: customers\[1\] "Ada Quill": demeanor: expected one of: calm, /,
    );
    expect(error.message).toContain('angry');
  });

  it('names the nested field path inside an agent', () => {
    const error = errorOf(() =>
      parsePersonas(
        { agents: [agent({ skills: { industries: ['banking', 'space'], issueCategories: ['fraud'] } })] },
        { file: 'personas/agents.json' },
      ),
    );
    expect(error.message).toMatch(
      /^personas\/agents\.json: agents\[0\] "Bo Lund": skills\.industries\[1\]: expected one of: /,
    );
  });

  it('rejects a misspelt field instead of ignoring it', () => {
    const error = errorOf(() => parsePersonas(customersWith(customer({ demenor: 'calm' })), { file: FILE }));
    expect(error.message).toMatch(
      /^personas\/customers\.json: customers\[1\] "Ada Quill": demenor: unknown field/,
    );
  });

  it('rejects an agent line with a placeholder it cannot fill', () => {
    const error = errorOf(() =>
      parsePersonas({ agents: [agent({ farewell: 'Bye from {brand}.' })] }, { file: 'agents.json' }),
    );
    expect(error.message).toMatch(/^agents\.json: agents\[0\] "Bo Lund": farewell: unknown placeholder/);
  });

  it('rejects a phone number that is not E.164 and a voice Twilio does not know', () => {
    const error = errorOf(() =>
      parsePersonas(customersWith(customer({ phone: '555-0177', voice: 'Joanna' })), { file: FILE }),
    );
    expect(error.issues.map((issue) => issue.field)).toEqual(['phone', 'voice']);
    expect(error.message.split('\n')).toHaveLength(2);
    expect(error.message).toContain('customers[1] "Ada Quill": phone: expected an E.164 phone number');
  });

  it('reports a duplicate id with both entries', () => {
    const error = errorOf(() =>
      parsePersonas(
        { customers: [customer({ name: 'Ada One' }), customer({ name: 'Ada Two' })] },
        { file: FILE },
      ),
    );
    expect(error.message).toBe(
      'personas/customers.json: customers[1] "Ada Two": id: duplicate id "cust-ada-quill" (already used by customers[0] "Ada One")',
    );
  });

  it('labels an entry by id when it has no name', () => {
    const bad = customer({ issueComplexity: 0 });
    delete bad.name;
    const error = errorOf(() => parsePersonas(customersWith(bad), { file: FILE }));
    expect(error.message).toContain('customers[1] "cust-ada-quill": name: required field is missing');
  });

  it('rejects a file with neither customers nor agents, naming what it found', () => {
    const error = errorOf(() => parsePersonas({ people: [] }, { file: FILE }));
    expect(error.message).toBe(
      'personas/customers.json: expected "customers" and/or "agents" (or the seed format\'s "CustomerPrompts"/"AgentPrompts"); found "people"',
    );
  });

  it('names the top-level field when the file itself has the wrong shape', () => {
    expect(errorOf(() => parsePersonas({ customers: 'Ada' }, { file: FILE })).message).toBe(
      'personas/customers.json: customers: expected an array of customers',
    );
    expect(errorOf(() => parsePersonas({ customers: [] }, { file: FILE })).message).toBe(
      'personas/customers.json: customers: expected at least one customer',
    );
    expect(errorOf(() => parsePersonas([], { file: FILE })).message).toBe(
      'personas/customers.json: expected a JSON object with "customers" and/or "agents", got an array',
    );
    expect(
      errorOf(() => parsePersonas({ version: -1, customers: [customer()] }, { file: FILE })).message,
    ).toBe('personas/customers.json: version: expected a positive version number');
  });

  it('rejects an entry that is not an object', () => {
    const error = errorOf(() => parsePersonas({ customers: ['Ada'] }, { file: FILE }));
    expect(error.message).toBe('personas/customers.json: customers[0]: expected object, got string "Ada"');
  });

  it('rejects text that is not JSON, naming the file and keeping the parser error as cause', () => {
    const error = errorOf(() => parsePersonas('{"customers": [', { file: FILE }));
    expect(error.reason).toBe('invalid_json');
    expect(error.message).toMatch(/^personas\/customers\.json: invalid JSON: /);
    expect(error.cause).toBeInstanceOf(SyntaxError);
  });
});

describe('parsePersonas on the seed format', () => {
  const seedCustomer = {
    CustomerName: 'Lucy Macintosh',
    ContactInformation: 'lucy@example.com',
    PhoneNumber: '+15125550101',
    Issue: 'Billing error.',
    DesiredResolution: 'Refund.',
    Demeanor: 'Calm but firm.',
    TechnicalProficiency: 'Medium',
    EscalationTrigger: 'Refusal.',
    ConversationLengthPreference: 'Moderate',
    Prompt: 'You are Lucy.',
  };

  it('names the seed entry and the seed field name', () => {
    const { PhoneNumber: _dropped, ...withoutPhone } = seedCustomer;
    const error = errorOf(() =>
      parsePersonas(
        { CustomerPrompts: [seedCustomer, { ...withoutPhone, CustomerName: 'George' }] },
        { file: 'seed.json' },
      ),
    );
    expect(error.message).toBe(
      'seed.json: CustomerPrompts[1] "George": PhoneNumber: required field is missing',
    );
  });

  it('reports two seed entries whose names give the same id', () => {
    const error = errorOf(() =>
      parsePersonas(
        { CustomerPrompts: [seedCustomer, { ...seedCustomer, CustomerName: 'Lucy  MacIntosh' }] },
        { file: 'seed.json' },
      ),
    );
    expect(error.message).toBe(
      'seed.json: CustomerPrompts[1] "Lucy  MacIntosh": CustomerName: duplicate id "cust-lucy-macintosh" (already used by CustomerPrompts[0] "Lucy Macintosh")',
    );
  });
});

describe('loading persona files from disk', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'synthcall-personas-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('names a missing file and keeps the system error as cause', async () => {
    const missing = join(dir, 'nope.json');
    const error = await asyncErrorOf(() => loadPersonaFile(missing));
    expect(error.reason).toBe('unreadable');
    expect(error.file).toBe(missing);
    expect(error.message).toBe(
      `${missing}: cannot read the persona file (ENOENT: ${(error.cause as Error).message})`,
    );
  });

  it('refuses a file that is not UTF-8 (latin-1 bytes) instead of reading U+FFFD into a name', async () => {
    const latin1 = join(dir, 'latin1.json');
    const json = JSON.stringify({ synthetic: true, customers: [customer({ name: 'Zoë Müller' })] });
    await writeFile(latin1, Buffer.from(json, 'latin1'));
    const error = await asyncErrorOf(() => loadPersonaFile(latin1));
    expect(error.reason).toBe('invalid_json');
    expect(error.message).toBe(`${latin1}: the file is not UTF-8 text (save it as UTF-8)`);
  });

  it('names a file holding invalid JSON', async () => {
    const broken = join(dir, 'broken.json');
    await writeFile(broken, '{ "customers": [ }');
    const error = await asyncErrorOf(() => loadPersonaFile(broken));
    expect(error.reason).toBe('invalid_json');
    expect(error.message.startsWith(`${broken}: invalid JSON: `)).toBe(true);
  });

  it('loads customers and agents from user files', async () => {
    const customersFile = join(dir, 'customers.json');
    const agentsFile = join(dir, 'agents.json');
    await writeFile(customersFile, JSON.stringify({ customers: [customer()] }));
    await writeFile(agentsFile, JSON.stringify({ agents: [agent()] }));
    const set = await loadPersonas({ customersFile, agentsFile });
    expect(set.customers.map((c) => c.id)).toEqual(['cust-ada-quill']);
    expect(set.agents.map((a) => a.id)).toEqual(['agent-bo-lund']);
  });

  it('refuses a customers file that holds only agents', async () => {
    const agentsFile = join(dir, 'only-agents.json');
    await writeFile(agentsFile, JSON.stringify({ agents: [agent()] }));
    const error = await asyncErrorOf(() => loadPersonas({ customersFile: agentsFile, agentsFile }));
    expect(error.message).toBe(`${agentsFile}: customers: the file holds no customers`);
  });
});
