import { chance, pick, type Random } from '../random.js';
import { MONTHS, variantEntry } from './library.js';
import { realise, type Slots } from './template.js';
import { FIRST_NAMES } from './world.js';

// Concrete details a caller reads out while troubleshooting (amounts, dates, codes, readings, flight numbers).
// Real calls are full of them, and each call's are its own, so two calls about the same issue still differ.

const BY_CATEGORY: Record<string, readonly string[]> = {
  billing_dispute: [
    '{The|That} {line|charge} {says|reads} [money], dated [date]{, right under the plan total|}.',
    '{It|The charge} {posted|showed up} on [date] for [money]{, and my usual bill is lower|}.',
  ],
  refund: [
    'I {paid|was charged} [money] on [date]{, confirmation [code]|}.',
    '{The|My} {receipt|confirmation} {says|shows} [money]{, order [code]|}, on [date].',
  ],
  return: [
    '{The|My} return tracking is [tracking]{, dropped off in [city]| and it was scanned in [depot]} on [date].',
    'I {sent|shipped} it back on [date]{, the label number was [tracking]|}.',
  ],
  order_status: [
    '{The|My} tracking {number |}[tracking] {says|shows} it {was last scanned|left a depot} in [depot] on [date] at [clock].',
    'It {was|got} {marked|listed} as {shipped|out for delivery} on [date]{, tracking [tracking]|}.',
  ],
  damaged_or_wrong_item: [
    '{The box|The package} {came|arrived} on [date]{ at about [clock]|}{, the packing slip says item [code]|}.',
    '{It|The item} {says|has} {model|part number} [code] {on it|on the label}{, not what I ordered|}.',
  ],
  address_change: [
    '{{I|We} move|I am moving|We are moving} on [when]{, the new place is in [city2]|}.',
    '{The|My} {lease|move} starts [when]{, so anything after that goes to [city2]|}.',
  ],
  product_inquiry: [
    "{The|It's the} {model|one} {I'm looking at|on the page} is [code]{, listed at [money]|}.",
    "{I saw it|There's one} {for|at} [money] {on the site|online}{, model [code]|}.",
  ],
  account_access: [
    '{It|The screen} {says|shows} error [code]{ after [count] tries| every time}{, since [clock]|}.',
    "{I|I've} tried [count] times{ since [clock]|}{, and it says error [code]|}.",
  ],
  cancellation: [
    '{My|The} contract {started|renewed} on [pmonth] [pday]{, at [money] a month|}.',
    "{I've|I have} {paid|been paying} [money] {a month|monthly} since [pmonth] [pday].",
  ],
  plan_change: [
    "{I'm|I am} {paying|on} [money] a month {now|right now}{ for everything|, all in|}.",
    '{The|My} {current|old} plan {costs|is} [money]{, renewed on [pmonth] [pday]|}.',
  ],
  payment_arrangement: [
    '{The|My} balance {is|says} [balance]{, and [pastdue] is overdue|}.',
    'I {can|could} {do|manage} about [offer] {a month|every month}{, starting [when]|}.',
  ],
  fraud: [
    "{There's|I see} a {charge|payment} of [money] {at|from} [merchant] on [date]{ at [clock]|}.",
    '{Another one|The next one} is [money2] {at|from} [merchant2]{, on [date2]|}{ in [city2]|}.',
  ],
  booking_change: [
    "{It's|I'm on} flight [flight] on [when]{, seat [seat]|}.",
    '{The|My} {booking|reservation} is for [when]{, flight [flight]| at [depart]}.',
  ],
  claim_status: [
    "{I filed|The claim was filed} on [date]{, and the adjuster's letter mentions [money]|}.",
    '{The|My} {letter|email} {from|dated} [date] {mentions an estimate of|says about|puts it at} [money].',
  ],
  technical_support: [
    '{The|A} {light|status light} {is|keeps} {blinking|flashing} {orange|red|amber}{, and the screen says error [code]|}.',
    '{It|The connection} {dropped|disconnected} {at|around} [clock]{, [count] times today| again}{, error [code]|}.',
  ],
  outage: [
    '{It|The power|The service} {went|has been} out since {about|around} [clock]{, [count] houses on my street|}.',
    "{My|The} {neighbors|street} {lost it|went dark} {at|around} [clock]{ too|}{, it's been [minutes] minutes past the estimate|}.",
  ],
};

// A category whose sentences assume one kind of business gets its own for another (a travel cancellation is a
// booking, not a contract paid monthly). Keyed "category:industry"; looked up before the category's own.
const BY_CATEGORY_IN: Record<string, readonly string[]> = {
  'technical_support:voicemail': [
    '{Callers|People who call me} {get|hear} {a message that the mailbox is not set up|"this mailbox has not been set up"}{, my [rel] told me|}.',
    "{I|I've} {pressed|held} the {one|1} key{ like the booklet says|} and {it asks for a password|nothing happens}{, I don't have one|}.",
  ],
  'technical_support:roaming': [
    "{I added|I bought} the {international day pass|travel pass} {before I left|on [date]}{, it's on my bill|}.",
    '{The|My} phone {says|shows} {No Service|SOS only} {since I landed|since the plane landed}{, roaming is on|}.',
  ],
  'technical_support:app': [
    '{The|Your} app {says|keeps saying} {my account number is invalid|it cannot find my account}{, error [code]|}.',
    "{I|I've} {typed|entered} {it|the number} {exactly as on the bill|[count] times}{, with and without the dash|}.",
  ],
  'plan_change:utilities': [
    '{My|The} {winter|last} {bill|statement} {was|came to} [money]{, that is what hurts|}.',
    "{I'm|I am} {still|} {getting|on} paper bills{, every month|}.",
  ],
  'plan_change:insurance': [
    '{I pay|The policy is} [money] a month {now|right now}{ for the [car]|}.',
    '{The|Our} [car] is {the one|what} {they will|the new driver will} {drive|use}{, mostly|}.',
  ],
  'product_inquiry:banking': [
    '{The|My} certificate {matures|comes due} on [when]{, it is about [balance]|}.',
    "{The|My} {current|old} rate is [rate]{, I think|, if I'm reading it right|}.",
  ],
  'product_inquiry:healthcare_billing': [
    '{The|My} surgery is {scheduled|booked} for [when]{ with [doctor]|}.',
    '{My|The} {deductible|out-of-pocket} {left|remaining} {is|says} [money]{, I think|}.',
  ],
  'cancellation:travel': [
    '{The|My} {package|booking} {was|cost} [money]{, paid in full on [paydate]|, all paid up front}.',
    "{Check-in|The stay} {is|was supposed to be} on [when]{, and we obviously can't go|}.",
  ],
};

const ONE_AMOUNT = new Set(['billing_dispute', 'refund', 'return', 'damaged_or_wrong_item', 'claim_status']);

/** Categories where the caller pays a price today that the call is about changing or ending. */
const CURRENT_PRICE = new Set(['plan_change', 'cancellation']);

/** Whether the caller has one figure of their own (the disputed charge, the plan price) that must not change. */
export function hasOwnFigure(category: string): boolean {
  return ONE_AMOUNT.has(category) || CURRENT_PRICE.has(category);
}

/**
 * The caller's own figure for the whole call: the disputed or refunded amount (the plan's `amount`), or for a plan
 * change or cancellation the price paid today — above the new price the agent will quote (`amount`), so "I pay X,
 * the new plan is Y" reads as a saving. Undefined when the category has no figure of the caller's own.
 */
export function ownFigure(category: string, amount: string): string | undefined {
  if (ONE_AMOUNT.has(category)) return amount;
  if (!CURRENT_PRICE.has(category)) return undefined;
  const cents = Math.round(Number(amount.replace(/[$,]/g, '')) * 100);
  if (!Number.isFinite(cents)) return undefined;
  const current = Math.round((cents * 1.4) / 100) * 100 - 1;
  return `$${Math.floor(current / 100)}.${String(current % 100).padStart(2, '0')}`;
}

const METER = ['{The|My} meter {reads|shows} [reading]{, last month it was lower|}.'];

/**
 * One concrete detail for the caller to read out: the call's figures (slots) in one of this category's sentences,
 * one not yet said (`said`: indices returned before); undefined once every one has been said.
 */
export function callerDetail(
  category: string,
  industry: string,
  random: Random,
  slots: Slots,
  said: readonly number[] = [],
  /** The call's variant of the category: a topic of the persona's issue ("voicemail") or its industry. */
  variant: string = industry,
): { text: string; index: number } | undefined {
  const templates = [
    ...(variantEntry(BY_CATEGORY_IN, BY_CATEGORY, category, variant) ?? BY_CATEGORY.product_inquiry ?? []),
    ...(industry === 'utilities' ? METER : []),
  ];
  const fresh = templates.map((_t, index) => index).filter((index) => !said.includes(index));
  if (fresh.length === 0) return undefined;
  const index = pick(random, fresh);
  return { text: realise(templates[index] as string, slots, random), index };
}

const NOT_A_NAME = new Set([
  'I',
  'The',
  'My',
  'Your',
  'It',
  'This',
  'That',
  'A',
  'An',
  'Dr',
  'Apt',
  'Suite',
  ...MONTHS,
  'Monday',
  'Tuesday',
  'Wednesday',
  'Thursday',
  'Friday',
  'Saturday',
  'Sunday',
]);

/** A detail the listener picked out of what it heard (an amount, a date, a code), to read it back. */
export interface HeardDetail {
  text: string;
  /** A name or place is repeated back differently from a figure ("Bakersfield, got it" vs "I see $42 here"). */
  kind: 'figure' | 'name' | 'place';
}

export function heardDetail(heard: string, random: Random, company = ''): HeardDetail | undefined {
  const found = [
    ...heard.matchAll(
      /\$\d[\d,]*(?:\.\d{2})?|\b[A-Z]{1,3}\d{3,}\b|\b\d{1,2}:\d{2} ?[ap]m\b|\b(?:January|February|March|April|May|June|July|August|September|October|November|December) \d{1,2}(?:st|nd|rd|th)?\b/g,
    ),
  ].map((m): HeardDetail => ({ text: m[0], kind: 'figure' }));
  // Names and places the caller mentioned ("my daughter Kiara", "from Eau Claire"): agents repeat them back. Not a
  // word that runs on into a hyphenated name, nor one of the company's: "I've been with Tri-County Power & Gas" named
  // no one called "Tri", whom the agent then greeted and the labels called a person. After "with" only a person's
  // first name is a name: "flying with Virgin Australia" was read back and labelled a person_name.
  const companyWords = new Set(company.split(/[^A-Za-z]+/).filter((w) => w.length > 0));
  for (const m of heard.matchAll(
    /\b(in|from|named|daughter|son|wife|husband|friend|at|with) ([A-Z][a-z]+(?: [A-Z][a-z]+)?)\b(?!-)/g,
  ))
    if (
      m[2] &&
      !NOT_A_NAME.has(m[2].split(' ')[0] ?? '') &&
      !m[2].split(' ').some((w) => companyWords.has(w)) &&
      (m[1] !== 'with' || FIRST_NAMES.has(m[2].split(' ')[0] ?? ''))
    )
      found.push({ text: m[2], kind: m[1] === 'in' || m[1] === 'from' || m[1] === 'at' ? 'place' : 'name' });
  if (found.length === 0 || !chance(random, 0.8)) return undefined;
  return pick(random, found);
}
