import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { isAbsolute, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { PersonaError, type PersonaErrorReason, type PersonaIssue } from './errors.js';
import {
  type AgentPersona,
  agentPersonaSchema,
  type CustomerPersona,
  customerPersonaSchema,
  type PersonaSet,
  personaFileSchema,
} from './schema.js';
import { mapSeedAgent, mapSeedCustomer, seedFileSchema } from './seed-format.js';

// Resolved against this module, so it works from src/ (tests, tsx) and from dist/ (built) alike: both sit one level
// below the package root where the JSON files live.
export const EMBEDDED_CUSTOMERS_FILE = new URL('../customers.json', import.meta.url);
export const EMBEDDED_AGENTS_FILE = new URL('../agents.json', import.meta.url);

export type PersonaFileFormat = 'synthcall' | 'seed';

export interface PersonaFileContents {
  format: PersonaFileFormat;
  /** The file's own `synthetic` flag; seed files carry none. */
  synthetic?: boolean;
  version?: number | string;
  customers: CustomerPersona[];
  agents: AgentPersona[];
}

export interface ParseOptions {
  /** How the file is named in error messages. */
  file: string;
}

export interface LoadPersonasOptions {
  /** Defaults to the embedded `personas/customers.json`. Our format or the seed's. */
  customersFile?: string | URL;
  /** Defaults to the embedded `personas/agents.json`. Our format or the seed's. */
  agentsFile?: string | URL;
}

const COLLECTIONS = new Set(['customers', 'agents', 'CustomerPrompts', 'AgentPrompts']);
const NAME_KEYS = ['name', 'CustomerName', 'AgentName', 'id'] as const;

/** Messages for problems the field schemas do not describe themselves (mostly shapes, e.g. an entry that is not an object). */
const errorMap: z.core.$ZodErrorMap = (issue) => {
  if (issue.code === 'invalid_type') {
    return issue.input === undefined
      ? 'required field is missing'
      : `expected ${issue.expected}, got ${kindOf(issue.input)}`;
  }
  return undefined;
};

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function entryLabel(data: unknown, collection: string, index: number): string {
  const raw =
    isRecord(data) && Array.isArray(data[collection]) ? (data[collection] as unknown[])[index] : undefined;
  const label = `${collection}[${index}]`;
  if (!isRecord(raw)) return label;
  for (const key of NAME_KEYS) {
    const value = raw[key];
    if (typeof value === 'string' && value.trim() !== '') return `${label} ${JSON.stringify(value)}`;
  }
  return label;
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? String(segment) : `.${String(segment)}`;
  }
  return out;
}

/** Splits a zod path into the entry (`customers[3] "Dana"`) and the field inside it (`skills.industries[1]`). */
function toPersonaIssues(issues: readonly z.core.$ZodIssue[], data: unknown): PersonaIssue[] {
  const out: PersonaIssue[] = [];
  for (const issue of issues) {
    const [head, index] = issue.path;
    const inEntry = typeof head === 'string' && COLLECTIONS.has(head) && typeof index === 'number';
    const entry = inEntry ? entryLabel(data, head, index) : undefined;
    const rest = inEntry ? issue.path.slice(2) : issue.path;
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        out.push({
          ...(entry === undefined ? {} : { entry }),
          field: formatPath([...rest, key]),
          message: 'unknown field (misspelt? personas/README.md lists the fields)',
        });
      }
      continue;
    }
    out.push({ ...(entry === undefined ? {} : { entry }), field: formatPath(rest), message: issue.message });
  }
  return out;
}

function fail(file: string, reason: PersonaErrorReason, issues: PersonaIssue[], cause?: unknown): never {
  throw new PersonaError(file, reason, issues, cause === undefined ? undefined : { cause });
}

function checkUniqueIds(
  data: unknown,
  collection: string,
  ids: readonly string[],
  field: string,
  issues: PersonaIssue[],
): void {
  const firstSeen = new Map<string, number>();
  ids.forEach((id, index) => {
    const first = firstSeen.get(id);
    if (first === undefined) {
      firstSeen.set(id, index);
      return;
    }
    issues.push({
      entry: entryLabel(data, collection, index),
      field,
      message: `duplicate id "${id}" (already used by ${entryLabel(data, collection, first)})`,
    });
  });
}

function parseSeed(data: Record<string, unknown>, file: string): PersonaFileContents {
  const raw = seedFileSchema.safeParse(data, { error: errorMap });
  if (!raw.success) fail(file, 'invalid_content', toPersonaIssues(raw.error.issues, data));
  const mapped = {
    CustomerPrompts: (raw.data.CustomerPrompts ?? []).map(mapSeedCustomer),
    AgentPrompts: (raw.data.AgentPrompts ?? []).map(mapSeedAgent),
  };
  // The mapping only produces values the schema accepts; validating anyway turns a mapping bug into a clear error
  // (and applies defaults) instead of a bad persona reaching a call.
  const checked = z
    .object({ CustomerPrompts: z.array(customerPersonaSchema), AgentPrompts: z.array(agentPersonaSchema) })
    .safeParse(mapped, { error: errorMap });
  if (!checked.success) fail(file, 'invalid_content', toPersonaIssues(checked.error.issues, data));
  const issues: PersonaIssue[] = [];
  // Seed ids come from the names, so a clash is reported against the name field the user can edit.
  const { CustomerPrompts: customers, AgentPrompts: agents } = checked.data;
  checkUniqueIds(
    data,
    'CustomerPrompts',
    customers.map((c) => c.id),
    'CustomerName',
    issues,
  );
  checkUniqueIds(
    data,
    'AgentPrompts',
    agents.map((a) => a.id),
    'AgentName',
    issues,
  );
  if (issues.length > 0) fail(file, 'invalid_content', issues);
  return { format: 'seed', customers, agents };
}

function parseOwn(data: Record<string, unknown>, file: string): PersonaFileContents {
  const parsed = personaFileSchema.safeParse(data, { error: errorMap });
  if (!parsed.success) fail(file, 'invalid_content', toPersonaIssues(parsed.error.issues, data));
  const customers = parsed.data.customers ?? [];
  const agents = parsed.data.agents ?? [];
  const issues: PersonaIssue[] = [];
  checkUniqueIds(
    data,
    'customers',
    customers.map((c) => c.id),
    'id',
    issues,
  );
  checkUniqueIds(
    data,
    'agents',
    agents.map((a) => a.id),
    'id',
    issues,
  );
  if (issues.length > 0) fail(file, 'invalid_content', issues);
  return {
    format: 'synthcall',
    ...(parsed.data.synthetic === undefined ? {} : { synthetic: parsed.data.synthetic }),
    ...(parsed.data.version === undefined ? {} : { version: parsed.data.version }),
    customers,
    agents,
  };
}

/**
 * Validates one persona file's content: our format (`customers` and/or `agents`) or the seed's (`CustomerPrompts`
 * and/or `AgentPrompts`). `input` is the file's text or its already-parsed JSON value.
 */
export function parsePersonas(input: unknown, { file }: ParseOptions): PersonaFileContents {
  let data: unknown = input;
  if (typeof input === 'string') {
    try {
      data = JSON.parse(input);
    } catch (error) {
      fail(file, 'invalid_json', [{ message: `invalid JSON: ${(error as Error).message}` }], error);
    }
  }
  if (!isRecord(data)) {
    fail(file, 'invalid_content', [
      { message: `expected a JSON object with "customers" and/or "agents", got ${kindOf(data)}` },
    ]);
  }
  if ('CustomerPrompts' in data || 'AgentPrompts' in data) return parseSeed(data, file);
  if (!('customers' in data) && !('agents' in data)) {
    fail(file, 'invalid_content', [
      {
        message:
          'expected "customers" and/or "agents" (or the seed format\'s "CustomerPrompts"/"AgentPrompts"); found ' +
          (Object.keys(data).length === 0
            ? 'an empty object'
            : Object.keys(data)
                .map((k) => `"${k}"`)
                .join(', ')),
      },
    ]);
  }
  return parseOwn(data, file);
}

/** How a file is named in messages: relative to the working directory when inside it, as the user would type it. */
function labelFor(path: string | URL): string {
  if (typeof path === 'string') return path;
  const absolute = fileURLToPath(path);
  const rel = relative(process.cwd(), absolute);
  return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? absolute : rel;
}

function unreadable(file: string, error: unknown): never {
  const { code, message } = error as NodeJS.ErrnoException;
  fail(
    file,
    'unreadable',
    [{ message: `cannot read the persona file (${code ?? 'error'}: ${message})` }],
    error,
  );
}

/** The file's text; bytes that are not UTF-8 (a latin-1 export, say) are refused rather than turned into U+FFFD. */
function utf8(file: string, bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return fail(file, 'invalid_json', [{ message: 'the file is not UTF-8 text (save it as UTF-8)' }]);
  }
}

export async function loadPersonaFile(path: string | URL): Promise<PersonaFileContents> {
  const file = labelFor(path);
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    unreadable(file, error);
  }
  return parsePersonas(utf8(file, bytes), { file });
}

function requireBoth(
  customersFile: string | URL,
  customers: PersonaFileContents,
  agentsFile: string | URL,
  agents: PersonaFileContents,
): PersonaSet {
  if (customers.customers.length === 0) {
    fail(labelFor(customersFile), 'invalid_content', [
      { field: 'customers', message: 'the file holds no customers' },
    ]);
  }
  if (agents.agents.length === 0) {
    fail(labelFor(agentsFile), 'invalid_content', [{ field: 'agents', message: 'the file holds no agents' }]);
  }
  return { customers: customers.customers, agents: agents.agents };
}

/** Customers from one file, agents from another; each file may be our format or the seed's. */
export async function loadPersonas(options: LoadPersonasOptions = {}): Promise<PersonaSet> {
  const customersFile = options.customersFile ?? EMBEDDED_CUSTOMERS_FILE;
  const agentsFile = options.agentsFile ?? EMBEDDED_AGENTS_FILE;
  const [customers, agents] = await Promise.all([
    loadPersonaFile(customersFile),
    loadPersonaFile(agentsFile),
  ]);
  return requireBoth(customersFile, customers, agentsFile, agents);
}

/** The embedded persona set, read synchronously (it ships with the package and is read once at start-up). */
export function defaultPersonas(): PersonaSet {
  const read = (url: URL): PersonaFileContents => {
    const file = labelFor(url);
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(url);
    } catch (error) {
      unreadable(file, error);
    }
    return parsePersonas(utf8(file, bytes), { file });
  };
  return requireBoth(
    EMBEDDED_CUSTOMERS_FILE,
    read(EMBEDDED_CUSTOMERS_FILE),
    EMBEDDED_AGENTS_FILE,
    read(EMBEDDED_AGENTS_FILE),
  );
}
