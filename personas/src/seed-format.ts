import { z } from 'zod';
import {
  AGENT_VOICES,
  type AgentAttitude,
  type AgentPersonaInput,
  type ConversationLength,
  type CustomerPersonaInput,
  DEFAULT_CUSTOMER_VOICE,
  DEFAULT_LANGUAGE,
  type Demeanor,
  type Industry,
  ISSUE_CATEGORIES,
  type IssueCategory,
  type TechnicalProficiency,
} from './schema.js';

// The seed app's persona files (`{"CustomerPrompts": [...]}` and `{"AgentPrompts": [...]}`), read as they are.
// Their values are free text, so every closed-set field is derived by the rules below. All rules are deterministic:
// the same file always maps to the same personas, so a seeded run reproduces.

const seedText = z
  .string({
    error: (issue) => (issue.input === undefined ? 'required field is missing' : 'expected a string'),
  })
  .regex(/\S/, 'must not be blank');

// Loose objects: a seed file with extra keys still loads, only the keys below are read.
export const seedCustomerSchema = z.object({
  CustomerName: seedText,
  ContactInformation: z.email({
    error: (issue) => (issue.input === undefined ? 'required field is missing' : 'expected an email address'),
  }),
  PhoneNumber: seedText.regex(/^\+[1-9]\d{7,14}$/, 'expected an E.164 phone number such as "+15129358764"'),
  Issue: seedText,
  DesiredResolution: seedText,
  Demeanor: seedText,
  TechnicalProficiency: seedText,
  EscalationTrigger: seedText,
  ConversationLengthPreference: seedText,
  Prompt: seedText.optional(),
});
export type SeedCustomer = z.output<typeof seedCustomerSchema>;

export const seedAgentSchema = z.object({
  AgentName: seedText,
  ScriptedIntroduction: seedText,
  ResponseToIssue: seedText,
  CompetenceLevel: seedText,
  Attitude: seedText,
  ProductKnowledge: seedText,
  Farewell: seedText,
  Characteristics: seedText,
});
export type SeedAgent = z.output<typeof seedAgentSchema>;

export const seedFileSchema = z.object({
  CustomerPrompts: z.array(seedCustomerSchema).min(1, 'expected at least one customer').optional(),
  AgentPrompts: z.array(seedAgentSchema).min(1, 'expected at least one agent').optional(),
});

type Rule<T> = readonly [RegExp, T];

/**
 * The rule whose pattern matches earliest in the text wins; on a tie the rule listed first wins. "Earliest word"
 * follows how the seed writes these fields: the leading word is the main trait ("Anxious and in a hurry").
 */
export function classify<T>(textValue: string, rules: readonly Rule<T>[]): T | undefined {
  let best: { index: number; value: T } | undefined;
  for (const [pattern, value] of rules) {
    const match = pattern.exec(textValue);
    if (match !== null && (best === undefined || match.index < best.index))
      best = { index: match.index, value };
  }
  return best?.value;
}

export const DEMEANOR_RULES: readonly Rule<Demeanor>[] = [
  [/\bcalm|\bpatient\b|\bcomposed|\brelaxed|\bcollected/i, 'calm'],
  [/\bfriendly|\bcasual|\bcooperative|\bcheerful|\bwarm\b|\beasy-?going|\blaid[- ]back/i, 'friendly'],
  [/\bpolite|\bcourteous|\bunderstanding|\brespectful/i, 'polite'],
  [/\bcurious|\binquisitive|\binterested/i, 'curious'],
  [/\bbusiness-?like|\bprofessional|\bmatter-of-fact|\bno-nonsense/i, 'businesslike'],
  [/\banxious|\bworried|\btense\b|\bnervous|\bstressed|\bpanick/i, 'anxious'],
  [/\bconfused|\bunsure|\buncertain|\boverwhelmed|\bbewildered/i, 'confused'],
  [/\bskeptic|\bsceptic|\bsuspicious|\bdistrust|\bdoubt/i, 'skeptical'],
  [/\bimpatient|\bhurr(?:y|ied)|\brushed|\bin a rush|\bhasty/i, 'impatient'],
  [/\bfrustrat|\birritat|\bannoyed|\bexasperat|\bfed up/i, 'frustrated'],
  [/\bangry|\bfurious|\birate|\blivid|\bhostile|\benraged|\boutraged/i, 'angry'],
];
export const DEFAULT_DEMEANOR: Demeanor = 'calm';

export const PROFICIENCY_RULES: readonly Rule<TechnicalProficiency>[] = [
  [/\blow\b|\bbasic|\bnovice|\bbeginner|\blimited/i, 'low'],
  [/\bmedium|\bmoderate|\baverage|\bintermediate/i, 'medium'],
  [/\bhigh\b|\badvanced|\bexpert|\bsavvy/i, 'high'],
];
export const DEFAULT_PROFICIENCY: TechnicalProficiency = 'medium';

export const LENGTH_RULES: readonly Rule<ConversationLength>[] = [
  [/\bshort|\bbrief|\bquick|\bconcise/i, 'short'],
  [/\bmoderate|\bmedium|\bflexible|\baverage/i, 'medium'],
  [/\blong\b|\blengthy|\bdetailed|\bthorough|\bextended/i, 'long'],
];
export const DEFAULT_LENGTH: ConversationLength = 'medium';

export const CATEGORY_RULES: readonly Rule<IssueCategory>[] = [
  [/\bfraud|\bunauthori[sz]ed|\bstolen|\bscam|\bidentity theft/i, 'fraud'],
  [/\bdamaged|\bbroken|\bdefective|\bwrong (?:product|item|size|colou?r|order)/i, 'damaged_or_wrong_item'],
  [
    /\bbilling|\bdouble[- ]charged|\bovercharg|\bcharged twice|\bincorrect charge|\bbill\b/i,
    'billing_dispute',
  ],
  [/\brefund/i, 'refund'],
  [/\breturn/i, 'return'],
  [/\bshipping address|\bdelivery address|\bchange of address|\bnew address/i, 'address_change'],
  [
    /\bnot received|\bhasn't received|\bhaven't received|\bdelivery date|\bstatus\b|\btracking|\bback-?order|\bwhere is|\bonly part|\bmissing item/i,
    'order_status',
  ],
  [/\bcancel/i, 'cancellation'],
  [/\bupgrade|\bdowngrade|\bplan\b|\bswitch (?:to|plans?)/i, 'plan_change'],
  [/\bpassword|\blog ?in|\blocked out|\btwo-factor|\baccess/i, 'account_access'],
  [/\brebook|\breschedul|\bflight|\breservation|\bbooking/i, 'booking_change'],
  [/\bclaim/i, 'claim_status'],
  [/\boutage|\bno service|\bpower (?:is )?out|\bno internet|\bservice is down/i, 'outage'],
  [/\bnot working|\berror message|\bwon't connect|\bset ?up|\binstall|\btroubleshoot/i, 'technical_support'],
  [/\bpayment plan|\bextension|\bcan't pay|\bpayment arrangement/i, 'payment_arrangement'],
  [
    /\bspecification|\binformation about|\bdiscount|\bbulk|\bquote|\bquestion|\bprice|\bpricing/i,
    'product_inquiry',
  ],
];
/** Nothing recognised: treat the call as a general question. */
export const DEFAULT_CATEGORY: IssueCategory = 'product_inquiry';

export const INDUSTRY_RULES: readonly Rule<Industry>[] = [
  [
    /\bwireless|\bmobile|\bcell ?phone|\binternet|\bbroadband|\bfib(?:er|re)\b|\bwi-?fi|\brouter|\bdata plan|\bsim card|\bvoicemail|\bcable tv/i,
    'telecom',
  ],
  [
    /\bbank|\bcredit union|\bchecking|\bsavings account|\bdebit card|\bcredit card|\boverdraft|\bloan\b|\bmortgage|\bwire transfer/i,
    'banking',
  ],
  [/\bflight|\bairline|\bhotel|\bbooking|\breservation|\bitinerary|\bluggage|\bbaggage|\bcruise/i, 'travel'],
  [/\belectric|\bpower bill|\bgas bill|\bwater bill|\bmeter\b|\butility|\butilities/i, 'utilities'],
  [
    /\bmedical|\bhospital|\bclinic|\bpatient|\bcopay|\bexplanation of benefits|\blab work|\bdoctor/i,
    'healthcare_billing',
  ],
  [/\binsurance|\bpolicy\b|\bpremium|\bclaim|\badjuster/i, 'insurance'],
  [
    /\border|\bpackage|\bshipping|\bshipped|\bdeliver|\bproduct|\bstore\b|\bshop|\bwarehouse|\bcart\b/i,
    'ecommerce',
  ],
];
/** The seed's own world is an online store. */
export const DEFAULT_INDUSTRY: Industry = 'ecommerce';

/**
 * Issue complexity (1–5) = a base per category (how much an agent must investigate or decide),
 * +1 when the customer starts out frustrated or angry (the same problem is harder to settle with an upset caller),
 * +1 when the desired resolution asks for something that needs authority (expedite, ASAP, discount, exception,
 * waive, compensation), clamped to 1–5.
 */
export const CATEGORY_BASE_COMPLEXITY: Readonly<Record<IssueCategory, number>> = {
  product_inquiry: 1,
  address_change: 2,
  order_status: 2,
  return: 2,
  refund: 2,
  damaged_or_wrong_item: 2,
  plan_change: 2,
  account_access: 3,
  billing_dispute: 3,
  cancellation: 3,
  booking_change: 3,
  claim_status: 3,
  technical_support: 3,
  outage: 3,
  payment_arrangement: 3,
  fraud: 4,
};
const AUTHORITY_PATTERN = /\bexpedit|\basap\b|\bdiscount|\bexception|\bwaive|\bcompensat|\bnegotiat/i;
const UPSET: readonly Demeanor[] = ['frustrated', 'angry'];

export function inferComplexity(
  category: IssueCategory,
  demeanor: Demeanor,
  desiredResolution: string,
): number {
  let score = CATEGORY_BASE_COMPLEXITY[category];
  if (UPSET.includes(demeanor)) score += 1;
  if (AUTHORITY_PATTERN.test(desiredResolution)) score += 1;
  return Math.min(5, Math.max(1, score));
}

export const ATTITUDE_RULES: readonly Rule<AgentAttitude>[] = [
  [/\bfriendly|\bwarm\b|\bcordial/i, 'friendly'],
  [/\bpositive|\benergetic|\benthusias|\bupbeat|\bcheerful|\beager/i, 'positive'],
  [/\bcaring|\bempath|\bsympath|\bcompassion|\bunderstanding/i, 'empathetic'],
  [/\bpatient\b|\bcalm/i, 'patient'],
  [/\bprofessional|\brespectful|\bcourteous|\bformal|\bpolite/i, 'professional'],
  [/\bnonchalant|\bindifferent|\bapathetic|\bdetached/i, 'indifferent'],
  [/\bbored|\buninterested|\bdisinterested|\bmonoton/i, 'bored'],
  [/\bnervous|\banxious|\bhesitant|\bunsure|\bconfused|\binsecure/i, 'nervous'],
  [/\bchatty|\btalkative|\bdistracted|\brambl/i, 'chatty'],
  [/\bimpatient|\bhurr(?:y|ied)|\brushed|\bhasty/i, 'rushed'],
  [/\bcurt\b|\bbrusque|\bdismissive|\brude|\bshort-tempered|\babrupt/i, 'curt'],
];
export const DEFAULT_ATTITUDE: AgentAttitude = 'professional';

/** Listed most-specific first so "Very high" beats "high" on the same index. */
export const COMPETENCE_RULES: readonly Rule<number>[] = [
  [/\bvery low|\bnovice|\bbeginner|\btrainee/i, 1],
  [/\bvery high|\bexpert|\bexceptional/i, 5],
  [/\blow\b|\bjunior/i, 2],
  [/\bmedium|\bmoderate|\baverage|\bintermediate/i, 3],
  [/\bhigh\b|\bstrong|\bsenior|\bcompetent/i, 4],
];
export const DEFAULT_COMPETENCE = 3;
// Product knowledge shifts the score one step: the seed pairs "High" with "Expert in all areas" for its best agents
// and "Low" with "Very limited" for its weakest, which a three-level word alone cannot tell apart.
const KNOWLEDGE_UP = /^\s*(?:expert|comprehensive)\b|\bexpert in all\b/i;
const KNOWLEDGE_DOWN = /\bvery limited\b|\bbasic knowledge only\b/i;

export function inferCompetence(competenceLevel: string, productKnowledge: string): number {
  let score = classify(competenceLevel, COMPETENCE_RULES) ?? DEFAULT_COMPETENCE;
  if (KNOWLEDGE_UP.test(productKnowledge)) score += 1;
  if (KNOWLEDGE_DOWN.test(productKnowledge)) score -= 1;
  return Math.min(5, Math.max(1, score));
}

/**
 * Skills from `ProductKnowledge`: the text is cut into clauses (at `,` `;` ` - ` and "but"); a clause that admits a
 * weakness ("limited billing knowledge", "weak on technical specs") grants nothing; every keyword in the other
 * clauses grants its categories, and "all areas"/"comprehensive" in such a clause grants everything. Every agent can
 * take a general question, so `product_inquiry` is always included.
 */
const SKILL_KEYWORDS: readonly Rule<readonly IssueCategory[]>[] = [
  [/\bbilling/i, ['billing_dispute', 'refund', 'payment_arrangement']],
  [/\bshipping|\blogistics|\bdeliver/i, ['order_status', 'address_change', 'damaged_or_wrong_item']],
  [/\breturn/i, ['return', 'refund', 'damaged_or_wrong_item']],
  [/\btechnical|\bspecification/i, ['technical_support', 'product_inquiry']],
  [/\bproduct|\btrivia/i, ['product_inquiry']],
  [/\bbulk|\borders?\b/i, ['product_inquiry', 'order_status']],
  [/\baccount/i, ['account_access', 'plan_change', 'cancellation']],
  [/\bfraud|\bsecurity/i, ['fraud']],
  [/\bbooking|\breservation/i, ['booking_change']],
  [/\boutage|\bnetwork/i, ['outage']],
  [/\bclaim/i, ['claim_status']],
];
const ALL_AREAS = /\ball areas\b|\beverything\b|\bcomprehensive\b/i;
const WEAKNESS = /\bweak|\blimited\b|\bno knowledge|\bpoor|\black/i;

export function inferSkillCategories(productKnowledge: string): IssueCategory[] {
  const granted = new Set<IssueCategory>(['product_inquiry']);
  for (const clause of productKnowledge.split(/[,;]|\s[-–—]\s|\bbut\b/i)) {
    if (WEAKNESS.test(clause)) continue;
    if (ALL_AREAS.test(clause)) return [...ISSUE_CATEGORIES];
    for (const [pattern, categories] of SKILL_KEYWORDS) {
      if (pattern.test(clause)) for (const category of categories) granted.add(category);
    }
  }
  return ISSUE_CATEGORIES.filter((category) => granted.has(category));
}

export function slug(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** ids are `cust-<name slug>` / `agent-<name slug>`, or `…-<position>` when the name has no letters or digits. */
function seedId(prefix: string, name: string, index: number): string {
  return `${prefix}-${slug(name) || String(index + 1)}`;
}

export function mapSeedCustomer(seed: SeedCustomer, index: number): CustomerPersonaInput {
  const demeanor = classify(seed.Demeanor, DEMEANOR_RULES) ?? DEFAULT_DEMEANOR;
  // The issue says what is wrong; the desired resolution only breaks the tie when the issue names nothing we know.
  const issueCategory =
    classify(seed.Issue, CATEGORY_RULES) ??
    classify(seed.DesiredResolution, CATEGORY_RULES) ??
    DEFAULT_CATEGORY;
  const industry =
    classify([seed.Issue, seed.DesiredResolution, seed.Prompt ?? ''].join(' '), INDUSTRY_RULES) ??
    DEFAULT_INDUSTRY;
  return {
    id: seedId('cust', seed.CustomerName, index),
    name: seed.CustomerName,
    email: seed.ContactInformation,
    phone: seed.PhoneNumber,
    industry,
    issueCategory,
    issueComplexity: inferComplexity(issueCategory, demeanor, seed.DesiredResolution),
    issue: seed.Issue,
    desiredResolution: seed.DesiredResolution,
    demeanor,
    demeanorNote: seed.Demeanor,
    technicalProficiency: classify(seed.TechnicalProficiency, PROFICIENCY_RULES) ?? DEFAULT_PROFICIENCY,
    escalationTrigger: seed.EscalationTrigger,
    conversationLengthPreference: classify(seed.ConversationLengthPreference, LENGTH_RULES) ?? DEFAULT_LENGTH,
    conversationLengthNote: seed.ConversationLengthPreference,
    identifiers: [],
    language: DEFAULT_LANGUAGE,
    // The seed app used this one voice for every line.
    voice: DEFAULT_CUSTOMER_VOICE,
    ...(seed.Prompt === undefined ? {} : { prompt: seed.Prompt }),
  };
}

export function mapSeedAgent(seed: SeedAgent, index: number): AgentPersonaInput {
  const industry =
    classify([seed.ScriptedIntroduction, seed.Characteristics].join(' '), INDUSTRY_RULES) ?? DEFAULT_INDUSTRY;
  return {
    id: seedId('agent', seed.AgentName, index),
    name: seed.AgentName,
    scriptedIntroduction: seed.ScriptedIntroduction,
    responseToIssue: seed.ResponseToIssue,
    competence: inferCompetence(seed.CompetenceLevel, seed.ProductKnowledge),
    attitude: classify(seed.Attitude, ATTITUDE_RULES) ?? DEFAULT_ATTITUDE,
    attitudeNote: seed.Attitude,
    productKnowledge: seed.ProductKnowledge,
    farewell: seed.Farewell,
    characteristics: seed.Characteristics,
    skills: { industries: [industry], issueCategories: inferSkillCategories(seed.ProductKnowledge) },
    language: DEFAULT_LANGUAGE,
    // The seed names no gender or voice; rotating through the agent pool keeps agents distinguishable and never
    // collides with the customers' default voice.
    voice: AGENT_VOICES[index % AGENT_VOICES.length] ?? AGENT_VOICES[0],
  };
}
