import type { CustomerPersona } from '@synthcall/personas';
import type { MoveKind } from '../director/move.js';
import type { JsonValue, NaturalEnd } from '../llm-provider.js';
import { agentFarewell, agentIntroduction, companyOf } from '../prompt.js';
import { chance, intBetween, pick, type Random, seededRandom } from '../random.js';
import type { CallContext, ChatMessage, Role, Scenario } from '../types.js';
import {
  accountRemark,
  acknowledgement,
  finding,
  referenceAgain,
  thanksBeforeFarewell,
} from './agent-talk.js';
import { articles, backstory, worldAside } from './backstory.js';
import { type AgentHeard, type CustomerHeard, classifyForAgent, classifyForCustomer } from './classify.js';
import { agentAside, aside } from './colour.js';
import { callerDetail, heardDetail, ownFigure } from './details.js';
import { agentFrame, customerFrame } from './discourse.js';
import { type CallFigures, callFigures, centsOf, dollars, figureSlots } from './figures.js';
import { issueInOwnWords, wantInOwnWords } from './issue-talk.js';
import {
  AGENT_BEATS,
  ATTITUDE_OPENERS,
  CATEGORY_SCRIPTS,
  CATEGORY_SCRIPTS_IN,
  type CategoryScript,
  CUSTOMER_BEATS,
  DEMEANOR_OPENERS,
  GENERIC_PROFICIENCY_ANSWERS,
  INDUSTRY_WORDS,
  MONTHS,
  STAFF_FIRST,
  STAFF_LAST,
  variantEntry,
  WEEKDAYS,
} from './library.js';
import { paraphrase } from './paraphrase.js';
import { firstPerson, personaSex, wishOf } from './persona-text.js';
import { ATTITUDE_FILLERS, DEMEANOR_FILLERS, styleLine } from './speech-style.js';
import { lowerStart, realise, type Slots, tidy, withSlotsUsed } from './template.js';
import { type CallWorld, callWorld, firstName, worldSlots } from './world.js';

/** How the call is meant to end: the planner's ground truth, before ASR noise and the quality gate have a say. */
export type IntendedOutcome = NaturalEnd;

export interface CallPlan {
  intendedOutcome: IntendedOutcome;
  /** Troubleshooting or fact-finding steps before the agent proposes a resolution (or admits it cannot). */
  steps: number;
  /** Medium and long callers get an "anything else?" exchange before the farewell. */
  wrapUp: boolean;
  /** An impatient caller facing a weak agent hangs up after this many steps; null when they wait for the proposal. */
  abandonAfterSteps: number | null;
  holdAtStep: number | null;
  /** The call's people, places and things (world.ts), drawn once so every line of the call agrees on them. */
  world?: CallWorld;
  facts: {
    ref: string;
    amount: string;
    days: string;
    day: string;
    time: string;
    staff: string;
  };
}

export interface PiiSpan {
  type: string;
  value: string;
  turn: number;
  start: number;
  end: number;
}

export interface DemeanorPoint {
  turn: number;
  demeanor: string;
}

export interface GroundTruth {
  scenario: Scenario;
  intendedOutcome: IntendedOutcome;
  demeanorTrajectory: DemeanorPoint[];
  pii: PiiSpan[];
}

type AgentStage = 'greeted' | 'verifying' | 'working' | 'proposed' | 'limited' | 'offered_case' | 'wrapup';

export interface AgentMemory {
  stage: AgentStage;
  stepsDone: number;
  reprompts: number;
  verifyTries: number;
  rejections: number;
  held: boolean;
  customerFirst: string;
  lastBeat: string;
}

export interface CustomerMemory {
  mood: string;
  stepsHeard: number;
  agentFirst: string;
  lastBeat: string;
  unclear: number;
  /** False while the caller has only put the issue in their own words: the persona's words are still to come. */
  toldIssue?: boolean;
  /** The detail sentences (callerDetail indices) already said: a caller reads each detail out once. */
  detailsSaid?: number[];
}

/** The scripted provider's per-call state (the `providerState` JSON): the plan, each role's memory, ground truth. */
export interface ScriptedState {
  plan: CallPlan;
  agent: AgentMemory | null;
  customer: CustomerMemory | null;
  truth: GroundTruth;
}

export interface ScriptedLine {
  text: string;
  /** Which move the line makes (director/move.ts). */
  move: MoveKind;
  end?: NaturalEnd;
  /** The plan and both roles' memories after this line; `truth` is left as it was (the director records it). */
  state: ScriptedState;
  /** People other than the caller the line may name (the agent, and everyone its slots put in). */
  names: string[];
  /** The customer's demeanor for this line; null for the agent. */
  mood: string | null;
}

const TENSE = new Set(['skeptical', 'impatient', 'frustrated', 'angry']);
const WARM = new Set(['friendly', 'polite', 'curious']);

/**
 * How the call is to end: the orchestrator's expectation for the pairing (CallPlanned.expectedOutcome, decided by the
 * personas' `expectedOutcome` rule). The director carries it out; it does not draw an ending of its own, so the plan in
 * calls.jsonl and the ending in the transcript are one decision.
 */
export function intendedOutcome(context: CallContext): IntendedOutcome {
  switch (context.expectedOutcome) {
    case 'escalated':
      return 'escalated';
    case 'abandoned':
      return 'customer_abandoned';
    case 'unresolved':
      return 'unresolved';
    default:
      return 'resolved';
  }
}

/**
 * Which variant of its category a call is: a topic the persona's issue names (a technical problem with voicemail,
 * roaming or an app is not a dropped connection), else its industry. Keys the `*_IN` tables.
 */
export function variantOf(context: CallContext): string {
  const { issueCategory, industry } = context.scenario;
  if (issueCategory === 'technical_support') {
    const issue = context.customer.issue.toLowerCase();
    if (/\bvoicemail\b/.test(issue)) return 'voicemail';
    if (/\b(international|roaming|abroad|day pass|landed)\b/.test(issue)) return 'roaming';
    if (/\b(app|enroll|enrol|rebate)\b/.test(issue)) return 'app';
  }
  return industry;
}

function scriptFor(context: CallContext): CategoryScript {
  const { issueCategory } = context.scenario;
  return (variantEntry(CATEGORY_SCRIPTS_IN, CATEGORY_SCRIPTS, issueCategory, variantOf(context)) ??
    CATEGORY_SCRIPTS.product_inquiry) as CategoryScript;
}

/** An amount as personas write it: "$35", "$1,287", "$2,800.50" (a trailing comma is punctuation, not the amount). */
const MONEY = '\\$\\d+(?:,\\d{3})*(?:\\.\\d{2})?';

function moneyIn(text: string): string | undefined {
  return new RegExp(MONEY).exec(text)?.[0];
}

/** The largest amount in a text: the disputed one in "my bill jumped from about $90 to $312". */
function largestMoneyIn(text: string): string | undefined {
  const all = text.match(new RegExp(MONEY, 'g')) ?? [];
  return all.sort((a, b) => (centsOf(b) ?? 0) - (centsOf(a) ?? 0))[0];
}

/** A share of an amount, in dollars and cents. */
function share(amount: string, fraction: number): string {
  return dollars(Math.round((centsOf(amount) ?? 0) * fraction));
}

const NUMBER_WORDS: Readonly<Record<string, string>> = {
  two: '2',
  three: '3',
  four: '4',
  five: '5',
  six: '6',
};

/** How many charges or transactions the persona names ("three charges"). */
function countIn(text: string): string | undefined {
  const word = /\b(two|three|four|five|six) (?:charges|transactions|payments)\b/i.exec(text)?.[1];
  return word ? NUMBER_WORDS[word.toLowerCase()] : undefined;
}

/** A monthly figure the persona names ("around $150 a month"), from its wish first, then its issue. */
function perMonthOf(customer: CustomerPersona): string | undefined {
  const perMonth = new RegExp(`(${MONEY})(?: or so)? (?:a|per|each|every) month`);
  return perMonth.exec(customer.desiredResolution)?.[1] ?? perMonth.exec(customer.issue)?.[1];
}

const RELATIONS: Readonly<Record<string, 'female' | 'male'>> = {
  daughter: 'female',
  son: 'male',
  wife: 'female',
  husband: 'male',
  mother: 'female',
  father: 'male',
  granddaughter: 'female',
  grandson: 'male',
};

/** Slots for a relative the persona's own words name, so the call's back-story agrees with the persona. */
function personaRelative(context: CallContext): Record<string, string> {
  const text = `${context.customer.issue} ${context.customer.desiredResolution}`;
  const relation = /\b(daughter|son|wife|husband|mother|father|granddaughter|grandson)\b/.exec(text)?.[1];
  if (!relation) return {};
  const sex = RELATIONS[relation] as 'female' | 'male';
  return {
    rel: relation,
    relname: firstName(seededRandom(`${context.seed}:persona-relative`), sex),
    relpron: sex === 'female' ? 'she' : 'he',
    relposs: sex === 'female' ? 'her' : 'his',
  };
}

/** The call's figures (figures.ts): the figure in question is the caller's own, or the plan amount. */
export function figuresOf(context: CallContext, plan: CallPlan): CallFigures {
  const category = context.scenario.issueCategory;
  const c = context.customer;
  const own = ownFigure(category, plan.facts.amount);
  // Fraud: the persona names a total ("three charges ... totaling $1,287"); each charge is a part of it.
  const total = category === 'fraud' ? moneyIn(c.issue) : undefined;
  return callFigures(context.seed, {
    money: own ?? (total ? share(total, 0.46) : plan.facts.amount),
    money2: total ? share(total, 0.31) : undefined,
    count: countIn(c.issue),
    // A subscription's last payment is its monthly price.
    lastPayment: category === 'plan_change' || category === 'cancellation' ? own : undefined,
    contract: category === 'plan_change' || category === 'cancellation' || category === 'payment_arrangement',
    perMonth: perMonthOf(c),
    balance: category === 'payment_arrangement' ? moneyIn(c.issue) : undefined,
  });
}

export function planCall(context: CallContext): CallPlan {
  const random = seededRandom(`${context.seed}:plan`);
  const outcome = intendedOutcome(context);
  const length = context.customer.conversationLengthPreference;
  const base = length === 'short' ? 1 : length === 'medium' ? 2 : 3;
  const extra = context.scenario.issueComplexity >= 4 && length !== 'short' ? 1 : 0;
  const steps = Math.min(base + extra, scriptFor(context).steps.length);
  const letters = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
  const ref = `${pick(random, [...letters])}${pick(random, [...letters])}-${intBetween(random, 100000, 999999)}`;
  const persona = `${context.customer.issue} ${context.customer.desiredResolution}`;
  // What the agent's fix names: for a payment arrangement the monthly payment, not the balance owed.
  const monthly =
    context.scenario.issueCategory === 'payment_arrangement' ? perMonthOf(context.customer) : undefined;
  const amount =
    monthly ??
    (context.scenario.issueCategory === 'billing_dispute'
      ? largestMoneyIn(context.customer.issue)
      : undefined) ??
    moneyIn(persona) ??
    `$${intBetween(random, 12, 240)}.${String(intBetween(random, 0, 99)).padStart(2, '0')}`;
  return {
    intendedOutcome: outcome,
    steps,
    wrapUp: length !== 'short',
    abandonAfterSteps:
      outcome === 'customer_abandoned' && chance(random, 0.5)
        ? intBetween(random, 1, Math.max(1, steps))
        : null,
    // A look-up that needs a hold (director/hold.ts): most long calls, and some of the medium ones.
    holdAtStep:
      length !== 'short' && chance(random, length === 'long' ? 0.8 : 0.6)
        ? intBetween(random, 1, steps)
        : null,
    world: callWorld(context.seed, context.scenario.industry, MONTHS),
    facts: {
      ref,
      amount,
      days: String(intBetween(random, 3, 10)),
      day: pick(random, WEEKDAYS),
      time: pick(random, ['8 am', '9 am', '10 am', 'noon', '2 pm', '3 pm', '4 pm', '6 pm', '8 pm']),
      staff: `${pick(random, STAFF_FIRST)} ${pick(random, STAFF_LAST)}`,
    },
  };
}

function initialState(context: CallContext): ScriptedState {
  const plan = planCall(context);
  return {
    plan,
    agent: null,
    customer: null,
    truth: {
      scenario: context.scenario,
      intendedOutcome: plan.intendedOutcome,
      demeanorTrajectory: [],
      pii: [],
    },
  };
}

export function parseScriptedState(json: JsonValue | null, context: CallContext): ScriptedState {
  if (json === null || typeof json !== 'object' || Array.isArray(json) || !('plan' in json))
    return initialState(context);
  return json as unknown as ScriptedState;
}

/** The caller's PII as it may be spoken, most specific first, so a full name wins over the first name inside it. */
export function piiValues(customer: CustomerPersona): Array<{ type: string; value: string }> {
  const first = customer.name.split(' ')[0] ?? customer.name;
  const values = [
    { type: 'person_name', value: customer.name },
    ...customer.identifiers.map((id) => ({ type: id.kind, value: id.value })),
    { type: 'email_address', value: customer.email },
    { type: 'phone_number', value: customer.phone },
    { type: 'phone_number', value: customer.phone.slice(-4) },
    { type: 'person_name', value: first },
  ];
  if (customer.address)
    values.push(
      { type: 'street_address', value: customer.address.street },
      { type: 'postal_code', value: customer.address.postalCode },
    );
  return values;
}

/**
 * Every spoken occurrence of PII in a line, with character offsets into that line: the caller's own, and the names
 * of other people the line mentions (`names`: the agent, a relative, a colleague, a supervisor), whose names are
 * personal data too and which a PII extractor rightly finds.
 */
export function findPii(
  text: string,
  customer: CustomerPersona,
  turn: number,
  names: readonly string[] = [],
): PiiSpan[] {
  const spans: PiiSpan[] = [];
  const others = [...new Set(names)]
    .filter((n) => n.length > 1)
    .sort((a, b) => b.length - a.length)
    .map((value) => ({ type: 'person_name', value }));
  for (const { type, value } of [...piiValues(customer), ...others]) {
    let from = 0;
    for (;;) {
      const start = text.indexOf(value, from);
      if (start < 0) break;
      const end = start + value.length;
      const boundary = !/[A-Za-z0-9]/.test(text[start - 1] ?? '') && !/[A-Za-z0-9]/.test(text[end] ?? '');
      if (boundary && !spans.some((s) => start < s.end && end > s.start))
        spans.push({ type, value, turn, start, end });
      from = end;
    }
  }
  return spans.sort((a, b) => a.start - b.start);
}

function baseSlots(context: CallContext, plan: CallPlan): Record<string, string | readonly string[]> {
  const words =
    INDUSTRY_WORDS[context.scenario.industry] ??
    (INDUSTRY_WORDS.ecommerce as (typeof INDUSTRY_WORDS)[string]);
  const c = context.customer;
  return {
    name: c.name,
    company: companyOf(context),
    noun: words.noun,
    thing: words.thing,
    doc: words.doc,
    app: words.app,
    email: c.email,
    phone4: c.phone.slice(-4),
    // The card the caller pays with: their card's last four when the persona has one (whichAnswer checks).
    card4: c.identifiers.find((i) => i.kind === 'card_last4')?.value ?? '',
    ...worldSlots(plan.world ?? callWorld(context.seed, context.scenario.industry, MONTHS)),
    ...plan.facts,
    ...figureSlots(figuresOf(context, plan)),
    // The relative the persona names ("his 16-year-old daughter") is the call's relative, whoever the world drew.
    ...personaRelative(context),
    // Where a caller who is moving is moving to: the persona's (new) address.
    ...(context.scenario.issueCategory === 'address_change' && c.address ? { city2: c.address.city } : {}),
  };
}

/** Whether two sentences open with the same four words (two draws of one back-story template). */
function sameStart(a: string, b: string): boolean {
  const start = (t: string) => t.toLowerCase().split(/\s+/).slice(0, 4).join(' ');
  return start(a) === start(b);
}

function lastHeard(history: readonly ChatMessage[]): string {
  const last = history.at(-1);
  return last?.role === 'user' ? last.content : '';
}

function nameAfterIntro(heard: string): string {
  const match = /(?:[Mm]y name is|[Tt]his is|[Ii]t's|I'm|I am|[Nn]ame's)\s+([A-Z][a-z]+)\b(?![-\d])/.exec(
    heard,
  );
  const word = match?.[1] ?? '';
  return /^(calling|here|a|the|sorry|not|so|really|just|looking|on)$/i.test(word) ? '' : word;
}

function tone(mood: string): 'calm' | 'warm' | 'tense' {
  return TENSE.has(mood) ? 'tense' : WARM.has(mood) ? 'warm' : 'calm';
}

const CALMER: Record<string, string> = {
  angry: 'frustrated',
  frustrated: 'skeptical',
  skeptical: 'calm',
  impatient: 'calm',
  anxious: 'calm',
  confused: 'calm',
};
const TENSER: Record<string, string> = {
  calm: 'frustrated',
  polite: 'frustrated',
  friendly: 'frustrated',
  curious: 'skeptical',
  businesslike: 'impatient',
  anxious: 'frustrated',
  confused: 'frustrated',
  skeptical: 'angry',
  impatient: 'angry',
  frustrated: 'angry',
};

// ---------------------------------------------------------------------------------------------------------- agent

/** The earliest turn at which the agent transfers a caller who demands a supervisor. */
const MIN_TRANSFER_TURN = 6;

function agentLine(
  context: CallContext,
  state: ScriptedState,
  history: readonly ChatMessage[],
  turn: number,
): { text: string; move: MoveKind; end?: NaturalEnd; memory: AgentMemory } {
  const random = seededRandom(`${context.seed}:agent:${turn}`);
  const plan = state.plan;
  if (turn === 0 || !state.agent) {
    return {
      move: 'greet',
      text: agentIntroduction(context),
      memory: {
        stage: 'greeted',
        stepsDone: 0,
        reprompts: 0,
        verifyTries: 0,
        rejections: 0,
        held: false,
        customerFirst: '',
        lastBeat: 'greeting',
      },
    };
  }
  const memory: AgentMemory = { ...state.agent };
  const heard = lastHeard(history);
  const intent: AgentHeard = classifyForAgent(heard);
  if (!memory.customerFirst && memory.stage === 'greeted') memory.customerFirst = nameAfterIntro(heard);
  const idDigits = [...heard.matchAll(/\d{4,}/g)].at(-1)?.[0];
  const slots: Record<string, string | readonly string[]> = {
    ...baseSlots(context, plan),
    first: memory.customerFirst,
    idtail: idDigits ? idDigits.slice(-4) : '',
    opener: ATTITUDE_OPENERS[context.agent.attitude] ?? (ATTITUDE_OPENERS.professional as readonly string[]),
  };
  const script = scriptFor(context);
  const say = (templates: readonly string[], extra: Slots = {}) =>
    realise(pick(random, templates), { ...slots, ...extra }, random);
  const farewell = (lead = '') =>
    tidy(
      `${lead} ${chance(random, 0.75) ? thanksBeforeFarewell(slots, random) : ''} ${agentFarewell(context)}`,
    );
  const readBack = heardDetail(heard, random, companyOf(context));
  const echo = !readBack
    ? ''
    : readBack.kind === 'name'
      ? `${say(['{Okay|Got it|Right|Alright|Mm-hm}, [heardname]{, noted|, thanks|}.', '[heardname], {okay|got it|right}.'], { heardname: readBack.text })} `
      : readBack.kind === 'place'
        ? `${say(['{Oh, |Ah, |}[detail]{, okay|, I see|, right}.', '{Okay|Alright|Right}, {in|over in} [detail].'], { detail: readBack.text })} `
        : `${say(['{Okay|Got it|Right|Alright}, [detail]{, noted|, I see that here|, thanks|, I have that|}.', "{I see|I've got} [detail] {here|on my screen|on the account}."], { detail: readBack.text })} `;
  const smallTalk =
    (context.agent.attitude === 'chatty' || context.agent.attitude === 'friendly') && chance(random, 0.35)
      ? `${agentAside(random)} `
      : '';
  const lead = echo || `${acknowledgement(slots, random)} `;
  // A different finding on each step (the per-turn random alone could repeat one).
  const seen = () =>
    chance(random, 0.9)
      ? `${finding(context.scenario.issueCategory, context.scenario.industry, slots, random, memory.stepsDone - 1, plan.steps, variantOf(context))} `
      : '';
  const step = (index: number) =>
    `${lead}${smallTalk}${seen()}${agentFrame(say([script.steps[Math.min(index, script.steps.length - 1)] as string]), random)}`;
  const proposal = () => say(plan.intendedOutcome === 'resolved' ? script.fix : script.limit);

  if ((intent === 'empty' || intent === 'unclear') && memory.reprompts < 2) {
    memory.reprompts++;
    return { move: 'reprompt', text: say(AGENT_BEATS.reprompt), memory };
  }
  if (intent === 'supervisor') {
    // A transfer in the first exchanges is rare in real calls: the agent first tries to keep the caller, and the
    // call always has room for the issue, one attempt and the transfer (no call shorter than MIN_TRANSFER_TURN).
    if (turn < MIN_TRANSFER_TURN) {
      return {
        move: 'deescalate',
        text: say(AGENT_BEATS.deescalate),
        memory: { ...memory, lastBeat: 'deescalate' },
      };
    }
    return {
      move: 'transfer',
      text: say(AGENT_BEATS.transfer),
      end: 'escalated',
      memory: { ...memory, lastBeat: 'transfer' },
    };
  }
  switch (memory.stage) {
    case 'greeted': {
      const words = INDUSTRY_WORDS[context.scenario.industry] ?? INDUSTRY_WORDS.ecommerce;
      const asked = realise(
        pick(random, words?.verifyAsk ?? ['could I have your account number']),
        slots,
        random,
      );
      // Realised on its own it starts a sentence; here it continues one.
      const ask = asked.charAt(0).toLowerCase() + asked.slice(1);
      memory.stage = 'verifying';
      return {
        move: 'verify',
        text: `${echo}${say(AGENT_BEATS.verify, {
          ask,
          opener: say([pick(random, slots.opener as readonly string[])]),
        })}`,
        memory,
      };
    }
    case 'verifying': {
      if (intent !== 'identifier' && memory.verifyTries < 1) {
        memory.verifyTries++;
        return { move: 'reverify', text: say(AGENT_BEATS.reverify), memory };
      }
      const confirmed =
        intent === 'identifier' && idDigits ? say(AGENT_BEATS.confirmed) : say(AGENT_BEATS.confirmedWithout);
      memory.stage = 'working';
      memory.stepsDone = 1;
      const remark = chance(random, 0.85) ? ` ${accountRemark(slots, random)}` : '';
      return { move: 'confirm_identity', text: `${confirmed}${remark} ${step(0)}`, memory };
    }
    case 'working': {
      if (plan.holdAtStep === memory.stepsDone && !memory.held) {
        memory.held = true;
        return { move: 'hold', text: say(AGENT_BEATS.hold), memory };
      }
      if (memory.stepsDone < plan.steps) {
        memory.stepsDone++;
        return { move: 'step', text: step(memory.stepsDone - 1), memory };
      }
      memory.stage = plan.intendedOutcome === 'resolved' ? 'proposed' : 'limited';
      return {
        text: proposal(),
        move: plan.intendedOutcome === 'resolved' ? 'propose_fix' : 'state_limit',
        memory,
      };
    }
    case 'proposed': {
      if (intent === 'goodbye')
        return {
          move: 'farewell',
          text: farewell(chance(random, 0.5) ? referenceAgain(slots, random) : ''),
          end: 'resolved',
          memory,
        };
      if (intent === 'reject') {
        memory.rejections++;
        if (memory.rejections >= 2)
          return { move: 'transfer', text: say(AGENT_BEATS.transfer), end: 'escalated', memory };
        return { move: 'propose_again', text: `${say(AGENT_BEATS.rejected)} ${proposal()}`, memory };
      }
      if (!plan.wrapUp) return { move: 'farewell', text: farewell(), end: 'resolved', memory };
      memory.stage = 'wrapup';
      const recap = chance(random, 0.5)
        ? `${say(AGENT_BEATS.recap, { recap: `I've taken care of ${lowerStart(say(script.topic))}.` })} `
        : '';
      return { move: 'anything_else', text: `${recap}${say(AGENT_BEATS.anythingElse)}`, memory };
    }
    case 'limited': {
      memory.stage = 'offered_case';
      return {
        move: 'offer_case',
        text: say([
          '{What I can do|The best I can do} is {open|log} a {case|ticket} {for review|with the back office}; {the reference is|your reference number is} [ref]{, and someone calls you within [days] days|}.',
        ]),
        memory,
      };
    }
    case 'offered_case':
      // The caller took the case instead of a fix: the call ends unresolved, with the reference to follow it up.
      if (plan.intendedOutcome === 'unresolved')
        return { move: 'farewell', text: farewell(referenceAgain(slots, random)), end: 'unresolved', memory };
      return { move: 'transfer', text: say(AGENT_BEATS.transfer), end: 'escalated', memory };
    case 'wrapup': {
      const answer = intent === 'question' ? say(AGENT_BEATS.answerExtra) : '';
      const again = chance(random, 0.6) ? referenceAgain(slots, random) : '';
      return { move: 'farewell', text: farewell(`${answer} ${again}`), end: 'resolved', memory };
    }
  }
}

// ------------------------------------------------------------------------------------------------------- customer

/** The identifier of the caller's that a verification question asks for (the first one when it names none). */
export function identifierFor(
  heard: string,
  customer: CustomerPersona,
): { kind: string; value: string } | undefined {
  const t = heard.toLowerCase();
  const wanted: Array<[RegExp, string[]]> = [
    [/order/, ['order_number', 'tracking_number']],
    [/booking|reservation|itinerary/, ['booking_reference', 'loyalty_number']],
    [/policy/, ['policy_number', 'claim_number']],
    [/birth/, ['date_of_birth', 'account_number']],
    [/card|last four/, ['card_last4', 'account_number']],
    [/account/, ['account_number', 'member_id', 'meter_number']],
    [/claim/, ['claim_number']],
  ];
  for (const [re, kinds] of wanted) {
    if (!re.test(t)) continue;
    const found = customer.identifiers.find((id) => kinds.includes(id.kind));
    if (found) return found;
  }
  return customer.identifiers[0];
}

/** The persona's issue in the first person, cut into the clauses a caller might say one at a time. */
/**
 * The persona's issue as this call's caller puts it: in the first person and in words of the call's own (paraphrase.ts),
 * so the persona's sentence seeds the call instead of being read out in every call of that persona.
 */
export function issueAsSaid(context: CallContext): string {
  const issue = context.customer.issue;
  return paraphrase(
    firstPerson(issue),
    `${issue} ${firstPerson(issue)}`,
    seededRandom(`${context.seed}:issue-words`),
  );
}

/** The clauses of the issue as said (`issueAsSaid`): the main one first. */
export function issueClauses(said: string): string[] {
  return said
    .split(/;\s+|,\s+(?=(?:but|and|so|although|since|because|then) )|\s+(?=even though )|\.\s+/)
    .map((clause) => clause.replace(/[.!]+$/, '').trim())
    .filter((clause) => clause.length > 0);
}

type Question =
  | 'why'
  | 'when'
  | 'when-bought'
  | 'payday'
  | 'who'
  | 'from-when'
  | 'amount'
  | 'address'
  | 'which'
  | 'action'
  | 'yesno'
  | 'open';

/** What kind of question the caller heard, from its first words and a few keywords (robust to a wrong word). */
/** The last sentence of what was heard, lower-cased: the question a reply answers, not the remarks before it. */
function lastQuestion(heard: string): string {
  const t = heard.toLowerCase();
  return t.slice(Math.max(0, t.lastIndexOf('.', t.lastIndexOf('?') - 1) + 1));
}

export function questionKind(heard: string): Question {
  const question = lastQuestion(heard);
  if (/\b(why|what made you|reason)\b/.test(question)) return 'why';
  // "What exactly is wrong with it?", "What happened?": the caller tells the problem.
  if (
    /\bwhat(?:'s| is| exactly is|'s exactly)? (?:wrong|the (?:problem|issue))\b|\bwhat happened\b/.test(
      question,
    )
  )
    return 'why';
  if (/\b(how much|amount|how many)\b/.test(question)) return 'amount';
  if (/\bpay ?day\b|\bget paid\b/.test(question)) return 'payday';
  if (/\bwho (?:are we|should i|is|will) (?:adding|add|drive|the new driver)\b/.test(question)) return 'who';
  if (/\b(when|what (day|date)|which (day|date)|how long|since when)\b/.test(question))
    // "What date should the change start?" asks about the future: the answer is a wish, not a past event.
    return /\b(should|would you like|want|prefer|work for you|best|to start|to begin|schedule|book|need|mature)\b/.test(
      question,
    )
      ? 'from-when'
      : /\b(order|buy|bought|purchase|book)/.test(question)
        ? 'when-bought'
        : 'when';
  if (/\baddress\b/.test(question) && /\b(what|which|new|give|tell|read)\b/.test(question)) return 'address';
  if (
    /\b(unplug|switch off|restart|try|request|open|check|plug|turn)\b/.test(question) &&
    /\b(could|can|would|will) you\b/.test(question)
  )
    return 'action';
  if (/\b(which|what)\b/.test(question)) return 'which';
  if (
    /^\s*(do|did|have|has|is|are|was|were|would|should|does)\b/.test(question) ||
    /\b(do|did|have) you\b/.test(question)
  )
    return 'yesno';
  return 'open';
}

const TECHNICAL = new Set(['technical_support', 'outage']);

const ACTION_ANSWERS: Record<'low' | 'medium' | 'high', readonly string[]> = {
  low: [
    "{Oh, |Um, |}{okay|alright}, {let me try|hang on}{... |. }{I think I did it|I pressed something}{? It's asking me something now|, but I'm not sure it worked}.",
    "{I'm not sure where that is|Where do I find that}{, sorry|}. {Oh wait|Okay}, {I see it|found it}{, I think|}.",
  ],
  medium: [
    '{Okay|Alright}, {done|I did that}. {It|The page} {says|shows} {it went through|something changed}{, I think|}.',
    "{Sure|Okay}, {give me a second|one moment}{... |. }{Done|Okay, that's done}.",
  ],
  high: [
    '{Done|Already done}. {Same result as before|Nothing changed}{, as I expected|}.',
    "{Did that|Done} {before I called|already}{, twice|}. {It's not on my side|The problem is on yours}.",
  ],
};

function whichAnswer(heard: string, cardDigits: boolean): readonly string[] {
  // The question asked, not the remarks before it ("I'll secure the account. Which charges don't you recognise?").
  const t = lastQuestion(heard);
  if (/\b(transactions?|charges?)\b/.test(t))
    return ['{The|That} [money] {one|charge} {from|at} [merchant]{ on [date]|}.'];
  if (/\bplan\b/.test(t))
    return [
      "{I'm on|I have} the {basic|standard|unlimited|family} plan{ at [money] a month|}{, and I'd like something {cheaper|better}|}.",
      '{The|My} {current|old} one is [money] a month{, the {basic|standard} one|}.',
    ];
  if (/\b(procedure|service)\b/.test(t))
    return ["{It's|That's} {the|my} [item]{ with [doctor]|}{, on [when]|}."];
  if (/\b(insurer|insurance)\b/.test(t))
    return [
      "{It's|I have} {the|my} {employer|work} {plan|insurance}{, through my job|}{, and I think {they're|he's} in network|}.",
    ];
  if (/\b(certificate|savings|mature)\b/.test(t))
    return ["{It's|That's} {the|my} [item]{, the one I opened in [since]|}."];
  if (/\b(card|payment|pay)\b/.test(t))
    return cardDigits
      ? [
          '{The|My} {usual|regular} card{, the one ending [card4]|}.',
          '{The|My} card ending in [card4]{, I think|}.',
        ]
      : ['{The|My} {usual|regular} card{, the one I always use|}.'];
  if (/\b(model|product|option|item)\b/.test(t))
    return [
      "{The|It's the} [code]{ model|}{, the one listed at [money]|}.",
      '{The one|The model} {on the page|I saw online} is [code].',
    ];
  if (/\b(change|part)\b/.test(t)) return ['{Just|Mostly} the {date|name|time}{, nothing else|}.'];
  // A question the caller has no particular answer to: an honest "not sure", not a made-up date.
  return ["{Hmm, I'm not sure|I can't really tell|I don't know}{, sorry|, to be honest|}."];
}

function answerTo(
  heard: string,
  category: string,
  customer: CustomerPersona,
  random: Random,
  slots: Slots,
  /** The call's script: what a technical caller reports after trying a step depends on the problem. */
  script: CategoryScript,
  /** The issue in this call's words (`issueAsSaid`). */
  issueSaid: string,
): { text: string; detailed: boolean } {
  const say = (templates: readonly string[]) => realise(pick(random, templates), slots, random);
  const proficiency = customer.technicalProficiency;
  switch (questionKind(heard)) {
    case 'why': {
      const clauses = issueClauses(issueSaid);
      const reason = clauses.length > 1 ? pick(random, clauses.slice(1)) : (clauses[0] ?? issueSaid);
      // A one-clause issue has been said already: the caller says so.
      const lead = clauses.length > 1 ? say(['{Well, |Honestly, |}']) : say(['{Like I said|As I said}, ']);
      return { text: tidy(`${lead} ${lowerStart(reason)}.`), detailed: true };
    }
    case 'amount':
      return {
        text: say([
          ...(category === 'payment_arrangement'
            ? [
                '{I could do|I can manage} about [offer] {a month|each month}{, starting [when]|}.',
                '{Maybe|Probably} [offer] a month{, the balance is [balance]|}.',
              ]
            : [
                "{It was|It's|That was} [money]{, on [date]|}.",
                '[money]{, I think| exactly|}{, on [date]|}.',
                '{The|My} {total|figure} {was|came to} [money]{, on [date]| at [clock] on [date]|}.',
                '{Let me look|Hang on}{... |. }{[money]|It says [money]}{, from [date]|, on the [doc]|}.',
              ]),
        ]),
        detailed: true,
      };
    case 'when':
      return {
        text: say([
          '{It was|That was} {on|around} [date]{, at about [clock]|}.',
          '{I think|Pretty sure} it was [date]{, in the [part]|}.',
          '{It started|It began} {on|around} [date]{, the day [relname] {came over|visited}|, right after we got back from [city2]|}.',
          '{Around|About} [clock] on [date]{, I was {at work|at home|in the car}|}.',
        ]),
        detailed: true,
      };
    case 'who':
      return {
        text: say(["{It's|That's} [relname], my [rel]{, [relpron] just got [relposs] license|}."]),
        detailed: false,
      };
    case 'payday':
      return {
        text: say([
          '{Every other Friday|On the 1st and the 15th|The last Friday of the month|On the 3rd}{, usually|, by direct deposit|}.',
          '{I get paid|Payday is} {every other Friday|on the 15th|at the end of the month}{, so a date after that works|}.',
        ]),
        detailed: false,
      };
    case 'when-bought':
      return {
        text: say([
          '{I {ordered|bought} it|That was} on [pmonth] [pday]{, I think|, if I remember right|}.',
          '{Back on|On} [pmonth] [pday]{, in the [part]|}{, it was meant to take a week|}.',
        ]),
        detailed: true,
      };
    case 'address': {
      const a = customer.address;
      if (!a)
        return {
          text: say(["{It's|It is} the one on file{, nothing has changed|, I think|}."]),
          detailed: false,
        };
      return {
        text: realise(
          pick(random, [
            "{It's|The new one is|That's} [astreet], [acity]{, [aregion]|} [apostal].",
            '{Sure|Okay}, [astreet], [acity], [apostal].',
          ]),
          { ...slots, astreet: a.street, acity: a.city, aregion: a.region ?? '', apostal: a.postalCode },
          random,
        ),
        detailed: true,
      };
    }
    case 'from-when':
      return {
        text: say([
          '{Starting|From} [when]{, if that works|, ideally|, please|}.',
          '{As soon as possible|The sooner, the better}{, so [when] if you can|, really|}.',
          '{The start of|From} the next billing {cycle|period}{ would be best| is fine|}.',
          '[when]{ would be great| works for me|, if possible}.',
        ]),
        detailed: true,
      };
    case 'action':
      return {
        text: say(
          TECHNICAL.has(category)
            ? (script.answers[proficiency] ?? ACTION_ANSWERS[proficiency])
            : ACTION_ANSWERS[proficiency],
        ),
        detailed: false,
      };
    case 'which':
      return {
        text: say(
          whichAnswer(
            heard,
            customer.identifiers.some((i) => i.kind === 'card_last4'),
          ),
        ),
        detailed: false,
      };
    case 'yesno': {
      // The kind of yes/no question decides the answer: an offer, whether someone got in touch, whether the caller
      // has something with them, or whether they did something.
      const q = lastQuestion(heard);
      const yes = chance(random, 0.6);
      const offer = /\b(would you like|do you want|shall i|should i)\b/.test(q);
      const contact = /\b(anyone|anybody|someone|somebody)\b.*\b(contact|call|reach|touch|phone)/.test(q);
      const has = /\b(do you (still )?have|have you got|is it with you)\b/.test(q);
      const templates = offer
        ? yes
          ? ['{Yes|Yeah|Sure}, {please|that would help|go ahead}.']
          : ["{No|No, thanks}{, that's fine|, I don't need that|}."]
        : contact
          ? yes
            ? [
                '{Yes|Yeah}, {someone called|I got a call} {on [notedate]|a while ago}{, but nothing happened|}.',
              ]
            : [
                '{No|Nope}{, nobody|, no one} {has called|has been in touch|got back to me}{ since [date]| at all|}.',
              ]
          : has
            ? yes
              ? ["{Yes|Yeah}, {it's right here|I have it with me|it's in my hand}."]
              : ["{No|Not on me}, {it's at home|I don't have it with me|I'd have to look}."]
            : yes
              ? [
                  "{Yes|Yeah|Yep}, {I did|I have|that's right|that's correct}.",
                  '{Yes|Yep}, {this morning|yesterday|a while ago}{, I think|, if I remember|}.',
                  '{Mm-hm|Yes}, {[relname] did|my [rel] did that|I did that myself}{ last week|}.',
                  '{I did|Yes, I did}{, twice|, a couple of times|}.',
                ]
              : [
                  "{No|Nope}, {I haven't|not yet|I didn't}.",
                  "{No|Not really}{, not that I know of|, I don't think so|}.",
                  '{Not yet|No}, {I was waiting|I wanted to wait} {to talk to you|until I called}{ first|}.',
                  "{Hmm, no|No}, {[relname] might have|my [rel] might have}{, but I doubt it|, I'd have to ask}.",
                ];
      return {
        text: say(templates),
        detailed: false,
      };
    }
    case 'open':
      return { text: say(GENERIC_PROFICIENCY_ANSWERS[proficiency]), detailed: false };
  }
}

function customerLine(
  context: CallContext,
  state: ScriptedState,
  history: readonly ChatMessage[],
  turn: number,
): { text: string; move: MoveKind; end?: NaturalEnd; memory: CustomerMemory } {
  const random = seededRandom(`${context.seed}:customer:${turn}`);
  const plan = state.plan;
  const c = context.customer;
  const heard = lastHeard(history);
  const memory: CustomerMemory = state.customer
    ? { ...state.customer }
    : {
        mood: context.scenario.demeanor,
        stepsHeard: 0,
        agentFirst: nameAfterIntro(heard),
        lastBeat: '',
        unclear: 0,
      };
  const slots: Record<string, string | readonly string[]> = {
    ...baseSlots(context, plan),
    agent: memory.agentFirst,
    first: c.name.split(' ')[0] ?? c.name,
  };
  const say = (templates: readonly string[], extra: Slots = {}) =>
    realise(pick(random, templates), { ...slots, ...extra }, random);
  // A remark the caller has not made yet this call ("I have somewhere to be in ten minutes" once, not every turn).
  const ownLines = history
    .filter((m) => m.role === 'assistant')
    .map((m) => m.content)
    .join(' ');
  const sayAfresh = (templates: readonly string[]) => {
    for (let tries = 0; tries < 4; tries++) {
      const line = say(templates);
      if (!ownLines.includes(line)) return line;
    }
    return '';
  };

  const introduce = () => {
    const wish = wishOf(c.desiredResolution, personaSex(c.issue) ?? personaSex(c.desiredResolution));
    const opener =
      DEMEANOR_OPENERS[context.scenario.demeanor] ?? (DEMEANOR_OPENERS.calm as readonly string[]);
    // The persona's issue verbatim some of the time; otherwise its main clause, the rest told when asked why.
    const issueSaid = issueAsSaid(context);
    const clauses = issueClauses(issueSaid);
    const way = random.next();
    const own = way >= 0.6 ? issueInOwnWords(context.scenario.issueCategory, slots, random) : '';
    const said = way < 0.3 ? issueSaid : own || `${clauses[0]}.`;
    memory.toldIssue = own === '';
    const first = chance(random, 0.85) ? backstory(context.scenario.industry, slots, random) : '';
    const second = first && chance(random, 0.45) ? backstory(context.scenario.industry, slots, random) : '';
    // Two sentences of back-story, never the same one twice ("I've banked with you since 2006 ... since 2006").
    const story = second && !sameStart(first, second) ? `${first} ${second}` : first;
    const issue = chance(random, 0.5) ? `${story} ${said}` : `${said} ${story}`;
    const want = wish.imperative
      ? say(["{So|Basically|Really}, {I'd like you to|could you|I need you to} [wish]{, please|}."], {
          wish: wish.text,
        })
      : /^[a-z]+ed\b/.test(wish.text)
        ? say(["{So|Basically|Ideally}, I'd like to be [wish]."], { wish: wish.text })
        : say(CUSTOMER_BEATS.wish, { wish: wish.text });
    const wanted = chance(random, 0.4) ? want : chance(random, 0.4) ? wantInOwnWords(slots, random) : '';
    return `${say(CUSTOMER_BEATS.introduce, { hello: say(opener), issue })} ${wanted}`.trim();
  };
  const giveId = () => {
    const id = identifierFor(heard, c);
    if (!id) return say(CUSTOMER_BEATS.givePhone);
    const kind = id.kind.replaceAll('_', ' ').replace('card last4', 'card ending');
    return say(CUSTOMER_BEATS.giveId, {
      id: id.value,
      idkind: kind,
      'idkind-cap': kind[0]?.toUpperCase() + kind.slice(1),
    });
  };
  const answer = () => {
    const said = memory.detailsSaid ?? [];
    const found = callerDetail(
      context.scenario.issueCategory,
      context.scenario.industry,
      random,
      slots,
      said,
      variantOf(context),
    );
    const detail = found?.text ?? '';
    const core = answerTo(
      heard,
      context.scenario.issueCategory,
      c,
      random,
      slots,
      scriptFor(context),
      issueAsSaid(context),
    );
    const chatty =
      c.conversationLengthPreference === 'long'
        ? 0.45
        : c.conversationLengthPreference === 'medium'
          ? 0.25
          : 0.1;
    const colour = chance(random, WARM.has(memory.mood) ? chatty + 0.35 : chatty + 0.2)
      ? ` ${chance(random, 0.75) ? worldAside(slots, random, TENSE.has(memory.mood)) : aside(random)}`
      : '';
    const t = tone(memory.mood);
    // A caller who opened in their own words gets to the persona's actual problem in the first answer.
    const clause = issueClauses(issueAsSaid(context))[0];
    const untold =
      memory.toldIssue === false && clause
        ? `${say(['{The thing is|What happened is|Basically|To explain}, [clause].', '[clause-cap], {that is the problem|that is what happened}.'], { clause: lowerStart(clause), 'clause-cap': clause })} `
        : '';
    memory.toldIssue = true;
    // A detail that only says the caller's figure again ("I'm on $78.99 a month" after "the plan at $78.99") is dropped.
    // A detail that only says the answer's figure or date again is dropped (and stays unsaid for later).
    const repeats = [...detail.matchAll(/\$[\d,.]+\d|\b[A-Z][a-z]+ \d{1,2}(?:st|nd|rd|th)\b/g)].some((m) =>
      core.text.includes(m[0]),
    );
    if (found && !repeats) memory.detailsSaid = [...said, found.index];
    const base = `${untold}${customerFrame(core.text, t, random)} ${repeats ? '' : detail}${colour}`;
    if (memory.mood === 'impatient' || (t === 'tense' && chance(random, 0.4)))
      return `${base} ${sayAfresh(CUSTOMER_BEATS.impatient)}`;
    if (memory.mood === 'anxious' && chance(random, 0.5)) return `${base} ${sayAfresh(CUSTOMER_BEATS.worry)}`;
    return base;
  };

  if (!state.customer) {
    memory.lastBeat = 'introduce';
    return { move: 'state_issue', text: introduce(), memory };
  }
  let intent: CustomerHeard = classifyForCustomer(heard);
  if (intent === 'unclear') {
    const beat = memory.lastBeat;
    intent = beat === 'give_id' ? 'ask_identity' : beat === 'introduce' ? 'other' : 'step';
    if (beat === 'introduce') return { move: 'state_issue', text: introduce(), memory };
  }
  switch (intent) {
    case 'empty':
      memory.unclear++;
      return { move: 'ask_repeat', text: say(CUSTOMER_BEATS.unclear), memory };
    case 'transfer':
      return { move: 'accept_transfer', text: say(CUSTOMER_BEATS.acknowledgeTransfer), memory };
    case 'ask_identity':
      memory.lastBeat = 'give_id';
      return { move: 'give_identity', text: giveId(), memory };
    case 'hold':
      return { move: 'accept_hold', text: say(CUSTOMER_BEATS.holdOk), memory };
    case 'proposal':
      memory.mood = CALMER[memory.mood] ?? memory.mood;
      memory.lastBeat = 'accept';
      {
        const figure = heardDetail(heard, random);
        const readBack = figure
          ? `${say(['{So|Okay, so|Alright, so} [detail]{, got it|, great|, okay|}.', '[detail]{, right|, okay|, good}.'], { detail: figure.text })} `
          : '';
        return {
          move: 'accept_fix',
          text: `${readBack}${say(CUSTOMER_BEATS.accept[tone(memory.mood)])}`,
          memory,
        };
      }
    case 'limitation':
    case 'farewell': {
      memory.mood = TENSER[memory.mood] ?? memory.mood;
      if (plan.intendedOutcome === 'customer_abandoned')
        return {
          move: 'abandon',
          text: say(CUSTOMER_BEATS.abandon[tone(memory.mood)]),
          end: 'customer_abandoned',
          memory,
        };
      if (plan.intendedOutcome === 'unresolved') {
        // A caller whose trigger does not fire on "I can't" asks what can be done instead of for a supervisor.
        memory.lastBeat = 'accept_limit';
        return { move: 'accept_limit', text: say(CUSTOMER_BEATS.acceptLimit[tone(memory.mood)]), memory };
      }
      memory.lastBeat = 'supervisor';
      return { move: 'ask_supervisor', text: say(CUSTOMER_BEATS.supervisor[tone(memory.mood)]), memory };
    }
    case 'anything_else':
      memory.lastBeat = 'done';
      return { move: 'nothing_else', text: say(CUSTOMER_BEATS.nothingElse), memory };
    case 'step':
    case 'other': {
      memory.stepsHeard++;
      if (plan.abandonAfterSteps !== null && memory.stepsHeard > plan.abandonAfterSteps) {
        memory.mood = TENSER[memory.mood] ?? memory.mood;
        return {
          move: 'abandon',
          text: say(CUSTOMER_BEATS.abandon[tone(memory.mood)]),
          end: 'customer_abandoned',
          memory,
        };
      }
      memory.lastBeat = 'answer';
      return { move: 'answer', text: answer(), memory };
    }
  }
}

/**
 * The scripted planner's next line for a role. It reads only the role's own history (what it heard, which may be
 * misrecognised) and its own plan; the same seed and the same heard lines give the same line.
 */
/** Slots whose values are people's names (a doctor is named with "Dr.", labelled without it). */
const NAME_SLOTS = ['agent', 'relname', 'friend', 'colleague', 'staff', 'pname', 'doctor', 'heardname'];

/** The people other than the caller a line may name: the agent, and everyone its slots put in. */
function peopleNamed(context: CallContext, used: ReadonlyMap<string, ReadonlySet<string>>): string[] {
  const agent = context.agent.name;
  const names = [agent, agent.split(' ')[0] ?? agent];
  for (const slot of NAME_SLOTS)
    for (const value of used.get(slot) ?? []) {
      const name = value.replace(/^Dr\. /, '');
      names.push(name);
      // "Tomas Turner" is also said as "Tomas".
      if (slot === 'staff' || slot === 'colleague') names.push(name.split(' ')[0] ?? name);
    }
  return names.filter((n) => n && !context.customer.name.split(' ').includes(n));
}

export function scriptedLine(
  context: CallContext,
  role: Role,
  turn: number,
  history: readonly ChatMessage[],
  json: JsonValue | null,
): ScriptedLine {
  const state = parseScriptedState(json, context);
  const { made: produced, slots: used } = withSlotsUsed(() =>
    role === 'agent' ? agentLine(context, state, history, turn) : customerLine(context, state, history, turn),
  );
  const c = context.customer;
  const names = peopleNamed(context, used);
  const keep = [
    agentIntroduction(context),
    agentFarewell(context),
    state.plan.facts.ref,
    ...piiValues(c).map((v) => v.value),
    ...names,
  ];
  const mood = role === 'customer' ? (produced.memory as CustomerMemory).mood : '';
  const fillers =
    role === 'customer' ? (DEMEANOR_FILLERS[mood] ?? []) : (ATTITUDE_FILLERS[context.agent.attitude] ?? []);
  const styleRandom = seededRandom(`${context.seed}:${role}:${turn}:style`);
  const text = articles(
    tidy(
      styleLine(produced.text, styleRandom, {
        fillers,
        fillerRate: role === 'customer' ? (c.technicalProficiency === 'low' ? 0.09 : 0.06) : 0.04,
        swapRate: 0.5,
        keep,
      }),
    ),
  );
  const next: ScriptedState =
    role === 'agent'
      ? { ...state, agent: produced.memory as AgentMemory }
      : { ...state, customer: produced.memory as CustomerMemory };
  return {
    text,
    move: produced.move,
    ...(produced.end ? { end: produced.end } : {}),
    state: next,
    names,
    mood: role === 'customer' ? mood : null,
  };
}

/** The ground truth recorded so far in a scripted call's provider state, or null for another provider's state. */
export function scriptedGroundTruth(json: JsonValue | null): GroundTruth | null {
  if (json === null || typeof json !== 'object' || Array.isArray(json) || !('truth' in json)) return null;
  return (json as unknown as ScriptedState).truth;
}
