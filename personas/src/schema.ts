import { z } from 'zod';

// Closed sets. Pairing, the dialogue planner, labels and dashboards group by these values, so a new value is a
// schema change (and a README change), never a free-text surprise in a persona file.

export const INDUSTRIES = [
  'telecom',
  'banking',
  'ecommerce',
  'travel',
  'utilities',
  'healthcare_billing',
  'insurance',
] as const;
export type Industry = (typeof INDUSTRIES)[number];

export const ISSUE_CATEGORIES = [
  'billing_dispute',
  'refund',
  'return',
  'order_status',
  'damaged_or_wrong_item',
  'address_change',
  'product_inquiry',
  'account_access',
  'cancellation',
  'plan_change',
  'payment_arrangement',
  'fraud',
  'booking_change',
  'claim_status',
  'technical_support',
  'outage',
] as const;
export type IssueCategory = (typeof ISSUE_CATEGORIES)[number];

export const DEMEANORS = [
  'calm',
  'friendly',
  'polite',
  'curious',
  'businesslike',
  'anxious',
  'confused',
  'skeptical',
  'impatient',
  'frustrated',
  'angry',
] as const;
export type Demeanor = (typeof DEMEANORS)[number];

export const TECHNICAL_PROFICIENCIES = ['low', 'medium', 'high'] as const;
export type TechnicalProficiency = (typeof TECHNICAL_PROFICIENCIES)[number];

export const CONVERSATION_LENGTHS = ['short', 'medium', 'long'] as const;
export type ConversationLength = (typeof CONVERSATION_LENGTHS)[number];

export const AGENT_ATTITUDES = [
  'friendly',
  'positive',
  'empathetic',
  'patient',
  'professional',
  'indifferent',
  'bored',
  'nervous',
  'chatty',
  'rushed',
  'curt',
] as const;
export type AgentAttitude = (typeof AGENT_ATTITUDES)[number];

/** What each competence score means; `COMPETENCE_LABELS[competence - 1]`. */
export const COMPETENCE_LABELS = ['novice', 'junior', 'proficient', 'senior', 'expert'] as const;
export type CompetenceLabel = (typeof COMPETENCE_LABELS)[number];

/** Identifiers a caller reads out on the phone; each one is spoken PII in the ground-truth labels. */
export const IDENTIFIER_KINDS = [
  'account_number',
  'order_number',
  'tracking_number',
  'booking_reference',
  'loyalty_number',
  'card_last4',
  'invoice_number',
  'policy_number',
  'claim_number',
  'member_id',
  'meter_number',
  'case_number',
  'date_of_birth',
] as const;
export type IdentifierKind = (typeof IDENTIFIER_KINDS)[number];

export const DEFAULT_LANGUAGE = 'en-US';
/** The seed app spoke every line with this voice; customers keep it unless a persona says otherwise. */
export const DEFAULT_CUSTOMER_VOICE = 'Polly.Joanna-Neural';
export const DEFAULT_AGENT_VOICE = 'Polly.Stephen-Neural';
/**
 * Voice pools the embedded set draws from. They do not overlap, so in any pairing the two legs sound like two
 * different people (and a listener can tell the roles apart on a mono mix).
 */
export const CUSTOMER_VOICES = [
  'Polly.Joanna-Neural',
  'Polly.Kimberly-Neural',
  'Polly.Salli-Neural',
  'Polly.Kendra-Neural',
  'Polly.Matthew-Neural',
  'Polly.Joey-Neural',
] as const;
export const AGENT_VOICES = [
  'Polly.Danielle-Neural',
  'Polly.Stephen-Neural',
  'Polly.Ruth-Neural',
  'Polly.Gregory-Neural',
  'Google.en-US-Neural2-C',
  'Google.en-US-Neural2-D',
  'Google.en-US-Neural2-F',
  'Google.en-US-Neural2-J',
] as const;

/** Placeholders agent lines may contain; the caller fills them per call (see `fillPlaceholders`). */
export const AGENT_PLACEHOLDERS = ['company'] as const;

// Field schemas. Messages are written for a person editing a JSON file: they say what was expected.

const REQUIRED = 'required field is missing';

/** A custom message that still says "missing" when the field is absent. */
function expected(text: string) {
  return { error: (issue: { input?: unknown }) => (issue.input === undefined ? REQUIRED : text) };
}

const text = z
  .string(expected('expected a string'))
  .regex(/\S/, 'must not be blank')
  .max(4_000, 'must be at most 4,000 characters');
/** A person's name as said on a call: a name, not a paragraph. */
const personName = text.max(100, 'must be at most 100 characters');

const idSchema = z
  .string(expected('expected a string'))
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'expected a lowercase slug such as "cust-dana-whitfield"');

const oneToFive = (what: string) =>
  z
    .int(expected(`expected ${what} from 1 to 5`))
    .min(1, `expected ${what} from 1 to 5`)
    .max(5, `expected ${what} from 1 to 5`);

function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, expected(`expected one of: ${values.join(', ')}`));
}

// E.164: what Twilio dials and what the seed stores.
const phoneSchema = z
  .string(expected('expected a string'))
  .regex(/^\+[1-9]\d{7,14}$/, 'expected an E.164 phone number such as "+13125550142"');

const emailSchema = z.email(expected('expected an email address such as "dana.whitfield@example.com"'));

// BCP-47 language-region as Twilio's <Say>/<Gather> `language` takes it.
const languageSchema = z
  .string(expected('expected a string'))
  .regex(/^[a-z]{2,3}-[A-Z]{2}$/, 'expected a BCP-47 language tag such as "en-US"');

// The forms `<Say voice>` accepts (docs/twilio-protocol.md §1).
const voiceSchema = z
  .string(expected('expected a string'))
  .regex(
    /^(?:man|woman|alice|Polly\.[A-Z][A-Za-z]+(?:-Neural|-Generative)?|Google\.[a-z]{2,3}-[A-Z]{2}-(?:Standard|Wavenet|Neural2|Chirp3-HD)-[A-Za-z0-9]+)$/,
    'expected a Twilio voice such as "Polly.Joanna-Neural" or "Google.en-US-Neural2-C"',
  );

const agentLine = text.refine((value) => /^[^{}]*(?:\{company\}[^{}]*)*$/.test(value), {
  message: `unknown placeholder or stray brace; the only placeholder is {${AGENT_PLACEHOLDERS.join('}, {')}}`,
});

export const identifierSchema = z.strictObject({
  kind: oneOf(IDENTIFIER_KINDS),
  value: text,
});
export type PersonaIdentifier = z.output<typeof identifierSchema>;

export const addressSchema = z.strictObject({
  street: text,
  city: text,
  region: text,
  postalCode: text,
  country: z
    .string(expected('expected a string'))
    .regex(/^[A-Z]{2}$/, 'expected an ISO country code such as "US"'),
});
export type PersonaAddress = z.output<typeof addressSchema>;

export const customerPersonaSchema = z.strictObject({
  id: idSchema,
  name: personName,
  email: emailSchema,
  phone: phoneSchema,
  /** The business the customer is calling; fills `{company}` in the agent's lines. */
  company: text.optional(),
  industry: oneOf(INDUSTRIES),
  issueCategory: oneOf(ISSUE_CATEGORIES),
  issueComplexity: oneToFive('a number'),
  issue: text,
  desiredResolution: text,
  demeanor: oneOf(DEMEANORS),
  /** The nuance the enum loses ("calm but firm"); goes into the prompt verbatim. */
  demeanorNote: text.optional(),
  technicalProficiency: oneOf(TECHNICAL_PROFICIENCIES),
  escalationTrigger: text,
  conversationLengthPreference: oneOf(CONVERSATION_LENGTHS),
  conversationLengthNote: text.optional(),
  identifiers: z.array(identifierSchema, expected('expected an array')).default([]),
  address: addressSchema.optional(),
  language: languageSchema.default(DEFAULT_LANGUAGE),
  voice: voiceSchema.default(DEFAULT_CUSTOMER_VOICE),
  /** A free-text persona prompt (the seed's `Prompt`), passed to the model as extra context. */
  prompt: text.optional(),
});
export type CustomerPersona = z.output<typeof customerPersonaSchema>;
/** What a persona file may contain: fields with defaults can be left out. */
export type CustomerPersonaInput = z.input<typeof customerPersonaSchema>;

export const agentSkillsSchema = z.strictObject({
  industries: z
    .array(oneOf(INDUSTRIES), expected('expected an array'))
    .min(1, 'expected at least one industry'),
  issueCategories: z
    .array(oneOf(ISSUE_CATEGORIES), expected('expected an array'))
    .min(1, 'expected at least one issue category'),
});
export type AgentSkills = z.output<typeof agentSkillsSchema>;

export const agentPersonaSchema = z.strictObject({
  id: idSchema,
  name: personName,
  /** May contain `{company}`; filled with the customer's company at call time. */
  scriptedIntroduction: agentLine,
  responseToIssue: text,
  competence: oneToFive('a competence score'),
  attitude: oneOf(AGENT_ATTITUDES),
  attitudeNote: text.optional(),
  productKnowledge: text,
  farewell: agentLine,
  characteristics: text,
  skills: agentSkillsSchema,
  language: languageSchema.default(DEFAULT_LANGUAGE),
  voice: voiceSchema.default(DEFAULT_AGENT_VOICE),
});
export type AgentPersona = z.output<typeof agentPersonaSchema>;
export type AgentPersonaInput = z.input<typeof agentPersonaSchema>;

export const personaSetSchema = z.strictObject({
  customers: z.array(customerPersonaSchema).min(1, 'expected at least one customer'),
  agents: z.array(agentPersonaSchema).min(1, 'expected at least one agent'),
});
export type PersonaSet = z.output<typeof personaSetSchema>;

/**
 * Our own file format. One file may hold customers, agents or both; `synthetic` and `version` describe the file and
 * are not copied onto personas.
 */
export const personaFileSchema = z.strictObject({
  $schema: z.string().optional(),
  // synthcall only ever works with made-up people: a file that says otherwise is refused, not used.
  synthetic: z
    .literal(true, expected('must be true: persona files hold synthetic people only, never real ones'))
    .optional(),
  version: z
    .union(
      [z.int().positive('expected a positive version number'), z.string().regex(/\S/)],
      expected('expected a version number or string'),
    )
    .optional(),
  description: z.string().optional(),
  customers: z
    .array(customerPersonaSchema, expected('expected an array of customers'))
    .min(1, 'expected at least one customer')
    .optional(),
  agents: z
    .array(agentPersonaSchema, expected('expected an array of agents'))
    .min(1, 'expected at least one agent')
    .optional(),
});
export type PersonaFile = z.output<typeof personaFileSchema>;
