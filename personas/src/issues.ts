import type { CustomerPersona } from './schema.js';

/**
 * A customer persona calls about more than one thing. Its own issue fields are a seed: a call may be about another
 * issue of a customer of the same company (so of its industry and products: a power customer does not call about a
 * water bill), with the issue's complexity, the resolution wanted and the trigger that go with it, said by this
 * persona: its name (where the issue names the other), pronouns, demeanor, identifiers and voice stay.
 */

/** The fields that make up what a call is about; the rest of a persona is who calls. */
const ISSUE_FIELDS = [
  'issue',
  'issueCategory',
  'issueComplexity',
  'desiredResolution',
  'escalationTrigger',
] as const satisfies ReadonlyArray<keyof CustomerPersona>;

/** How often a call is about the persona's own issue; the rest are about one of its company's other issues. */
export const OWN_ISSUE_SHARE = 0.4;

type Pronouns = 'she' | 'he' | null;

function pronounsOf(text: string): Pronouns {
  const she = (text.match(/\b(she|her|hers|herself)\b/gi) ?? []).length;
  const he = (text.match(/\b(he|him|his|himself)\b/gi) ?? []).length;
  return she > he ? 'she' : he > she ? 'he' : null;
}

/** Words after which "her" is an object ("called her"), not a possessive ("her bill"). */
const AFTER_OBJECT =
  /^(?:[.,;:!?)]|$|\s+(?:to|and|or|a|an|the|that|about|back|up|off|out|for|in|on|at|with|twice|again|when|if|but|so|as|from|two|three|several)\b)/i;

/** Third-person pronouns of `text` turned to `to`'s. */
function withPronouns(text: string, to: Pronouns): string {
  const from = pronounsOf(text);
  if (to === null || from === null || from === to) return text;
  const keepCase = (model: string, word: string) =>
    model[0] === model[0]?.toUpperCase() ? word[0]?.toUpperCase() + word.slice(1) : word;
  if (to === 'she')
    return text.replace(/\b(he|him|his|himself)\b/gi, (w) =>
      keepCase(w, { he: 'she', him: 'her', his: 'her', himself: 'herself' }[w.toLowerCase()] ?? w),
    );
  return text.replace(/\b(she|hers|herself|her)\b/gi, (w, _g, at: number, all: string) => {
    const lower = w.toLowerCase();
    if (lower !== 'her') return keepCase(w, { she: 'he', hers: 'his', herself: 'himself' }[lower] ?? w);
    return keepCase(w, AFTER_OBJECT.test(all.slice(at + w.length)) ? 'him' : 'his');
  });
}

/**
 * The issues `customer` may call about: its own first, then every other issue of its company's customers (distinct
 * texts) as this persona would have it, name and pronouns its own.
 */
export function issueChoices(
  customer: CustomerPersona,
  customers: readonly CustomerPersona[],
): readonly CustomerPersona[] {
  // The engine asks at every turn (a call's context names its issue): the answer for one persona set is kept.
  let known = CHOICES.get(customers);
  if (!known) {
    known = new Map();
    CHOICES.set(customers, known);
  }
  const hit = known.get(customer);
  if (hit) return hit;
  const out = choicesOf(customer, customers);
  known.set(customer, out);
  return out;
}

const CHOICES = new WeakMap<readonly CustomerPersona[], Map<CustomerPersona, readonly CustomerPersona[]>>();

function choicesOf(customer: CustomerPersona, customers: readonly CustomerPersona[]): CustomerPersona[] {
  const pronouns = pronounsOf(
    `${customer.issue} ${customer.desiredResolution} ${customer.escalationTrigger}`,
  );
  const seen = new Set([customer.issue]);
  const out = [customer];
  const first = (name: string) => name.split(' ')[0] ?? name;
  for (const other of customers) {
    if (other.company !== customer.company || seen.has(other.issue)) continue;
    seen.add(other.issue);
    // Said by this persona: its own name where the issue names the other ("Aisha needs wheelchair assistance").
    const own = (text: string) =>
      withPronouns(
        text
          .replaceAll(other.name, customer.name)
          .replace(new RegExp(`\\b${first(other.name)}\\b`, 'g'), first(customer.name)),
        pronouns,
      );
    const fields = Object.fromEntries(
      ISSUE_FIELDS.map((f) => [f, typeof other[f] === 'string' ? own(other[f] as string) : other[f]]),
    ) as Pick<CustomerPersona, (typeof ISSUE_FIELDS)[number]>;
    out.push({ ...customer, ...fields });
  }
  return out;
}

/**
 * The issue of a call: the persona's own `OWN_ISSUE_SHARE` of the time, else one of its company's others that `keep`
 * allows (a request's complexity bounds).
 */
export function drawIssue(
  customer: CustomerPersona,
  customers: readonly CustomerPersona[],
  random: () => number,
  keep: (issue: CustomerPersona) => boolean = () => true,
): CustomerPersona {
  const choices = [customer, ...issueChoices(customer, customers).slice(1).filter(keep)];
  if (choices.length === 1 || random() < OWN_ISSUE_SHARE) return customer;
  return choices[1 + Math.floor(random() * (choices.length - 1))] ?? customer;
}

/** The first sentence of an issue: a call plan's scenario summary. */
export function firstSentence(text: string): string {
  const match = /^.*?[.!?](?=\s|$)/s.exec(text.trim());
  return (match?.[0] ?? text).trim();
}

/**
 * The persona as a call plan has it: the issue whose first sentence is the plan's summary (and whose category is the
 * plan's), so every service reading the plan talks about the issue the orchestrator drew. The persona itself when
 * no issue of its company matches (a plan made without a draw).
 */
export function withPlannedIssue(
  customer: CustomerPersona,
  customers: readonly CustomerPersona[],
  scenario: { issueCategory: string; summary?: string | null },
): CustomerPersona {
  if (!scenario.summary) return customer;
  return (
    issueChoices(customer, customers).find(
      (c) => c.issueCategory === scenario.issueCategory && firstSentence(c.issue) === scenario.summary,
    ) ?? customer
  );
}
