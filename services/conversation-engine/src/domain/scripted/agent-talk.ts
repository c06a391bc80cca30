import { pick, type Random } from '../random.js';
import { variantEntry } from './library.js';
import { realise, type Slots } from './template.js';

// What an agent says around the scripted moves: what the account screen shows once the caller is verified, the
// acknowledgement before the next question, a closing thank-you before the persona's own farewell. These ride on
// lines the caller classifies (a step is a question, a proposal carries a reference), so none may contain a word
// the caller's intent detection keys on: no "reference", "case", "ticket", "confirmation", "transfer", "unable",
// "can't", "outside", "anything else", "hold", "a moment", "verify", "digits", "repeat".

const ACCOUNT_REMARKS: readonly string[] = [
  "{I see|It says} {you've been with us|you've had an account with us} since [since]{, that's a while|, since [pmonth] of that year|}.",
  '{There is|I see} a note from [colleague] on [notedate]{ about an earlier call| on the file|}.',
  '{Your|The} last payment {was|came through} on [paydate]{, [lastpay]|, for [lastpay]|}.',
  '{The|Your} file {lists|shows} [city] as {the|your} {billing|home} city{, still|}.',
  '{Looks like|It looks like} {you|someone} {called|phoned} {us|in} on [notedate]{, [colleague] took that call|}.',
  '{I have|I see} {two|three|a few} {notes|entries} {on the file|on the [noun]} {since [pmonth]|from this year}{, nothing urgent|}.',
];

export function accountRemark(slots: Slots, random: Random): string {
  return realise(pick(random, ACCOUNT_REMARKS), slots, random);
}

const ACKNOWLEDGEMENTS: readonly string[] = [
  '{Okay|Alright|Right|Good}{, [first]|}.',
  "{That's clear|Understood|Noted|Okay, noted}{, [first]|}.",
  "{Let me|I'll} {note that|write that down|add that to the notes}{, [first]|}.",
  '{Mm-hm|Uh-huh|I see}{, okay|, got it|}.',
  '{Just|Give me} a {sec|second} {here|while the screen loads}{, the system is slow today|}.',
  "{Okay|Right}{, that's {clear|what I needed}|}.",
  '{Understood|Makes sense}{, [first]|}. {Next question|One more thing}.',
];

/** The short acknowledgement an agent puts before the next question, or nothing (not every turn has one). */
export function acknowledgement(slots: Slots, random: Random): string {
  return random.next() < 0.55 ? realise(pick(random, ACKNOWLEDGEMENTS), slots, random) : '';
}

const THANKS_BEFORE_FAREWELL: readonly string[] = [
  '{Thanks for {your patience|bearing with me|walking me through all that}|I appreciate {you calling|your help with the details}}{, [first]|}.',
  "{Okay|Alright}{, [first]|}, {then we're|we're} {done here|all wrapped up}.",
  '',
];

export function thanksBeforeFarewell(slots: Slots, random: Random): string {
  return realise(pick(random, THANKS_BEFORE_FAREWELL), slots, random);
}

// What the agent's screen shows while working the issue: concrete, and this call's own (amounts, times, places).
const FINDINGS: Record<string, readonly string[]> = {
  billing_dispute: [
    'I see the [money] {line|charge} posted on [date] at [clock]{, under code [code]|}.',
    '{Your|The} {previous|last} [doc] {was|came to} [lastpay]{, dated [paydate]|}.',
  ],
  refund: [
    '{I see|There is} a {payment|transaction} of [money] on [date]{ at [clock]|}{, processed in [depot]|}.',
    '{The|Your} {original|first} {payment|charge} {was|shows as} [money]{, authorized at [clock]|}.',
  ],
  return: [
    '{I see|The system shows} {a|the} return {label|request} {created|made} on [date]{ at [clock]|}{, item [code]|}.',
    "{The|Our} warehouse in [depot] {logged|scanned} {a parcel|something} on [date2]{, that's item [code]|}.",
  ],
  order_status: [
    '{The|Its} last scan {was|shows} in [depot] on [date] at [clock]{, tracking [tracking]|}.',
    '{It|The parcel} {left|cleared} {the|our} [depot] {depot|hub} on [date]{ at [clock]|}.',
  ],
  damaged_or_wrong_item: [
    '{The|Our} {packing record|pick list} {shows|says} item [code] {went out|shipped} on [date0] from [depot].',
    "{I see|There's} {another|a similar} {report|complaint} {on item [code]|from [depot]} {this week|since [date]}.",
  ],
  address_change: [
    '{I see|There is} {an|the} address on file {since [notedate]|updated on [notedate]}{, in [city]|}.',
    '{Your|The} next {delivery|[doc]} is {scheduled|due} for [when]{ at [depart]|}.',
  ],
  product_inquiry: [
    '{We list|The site lists} {that one|model [code]} at [money]{ this week|, in stock in [depot]|}.',
    '{I see|We have} [count] {left|in stock} {of [code]|at the [depot] warehouse}{, at [money]|}.',
  ],
  account_access: [
    '{I see|There are} [count] {failed|blocked} {sign-ins|login attempts} since [clock]{, one from [city2]|}.',
    '{The|Your} last {successful|good} {sign-in|login} was on [date0]{ from [city]|}.',
  ],
  cancellation: [
    '{Your|The} {contract|agreement} {started|renewed} on [pmonth] [pday]{, at [money] a month|}.',
    '{I see|The [noun] shows} [count] {months|payments} {left|remaining}{ on the agreement|}.',
  ],
  plan_change: [
    '{The|Your} {current|old} plan {renewed|started} on [pmonth] [pday]{ for another year|}.',
    '{I see|There is} a plan {change request|question} {from [notedate]|on the file from [notedate]}{ that never went through|}.',
  ],
  payment_arrangement: [
    '{The|Your} balance {is|shows} [balance]{, with the last payment on [paydate]|}.',
    '{I see|There is} a past-due amount of [pastdue] {since [paydate]|from [paydate]}.',
  ],
  fraud: [
    '{I see|There is} a [money] {charge|payment} {at|from} [merchant] on [date] at [clock]{ in [city2]|}.',
    '{I see|There are} [count] {charges|transactions} since [date]{, the largest [money] at [merchant]|}.',
  ],
  booking_change: [
    "{You're|You are} on flight [flight] on [when]{, seat [seat]|}{, departing [depart]|}.",
    '{The|That} flight [flight] {has|shows} [count] seats {open|left} on [when]{ at [depart]|}.',
  ],
  claim_status: [
    '{The|Your} claim {was|got} {opened|filed} on [date]{ and assigned to [colleague]|}{, estimate [money]|}.',
    '{The|Our} adjuster, [colleague], {added|left} a note on [date2]{ at [clock]|}.',
  ],
  technical_support: [
    'I see the [thing] {went|dropped} offline at [clock]{, [count] times since [date]|}.',
    '{The|Our} {line|network} test {from|at} [clock2] {shows|reports} [count] {errors|drops}{, code [code]|}.',
  ],
  outage: [
    '{The|Our} map {shows|has} [count] {reports|homes out} {near|around} [street] since [clock].',
    '{A|The} crew {was|got} {sent|dispatched} at [clock2]{ from [depot]|}{, [count] streets affected|}.',
  ],
};

// A category's findings for a business they do not fit (see BY_CATEGORY_IN in details.ts), "category:industry".
const FINDINGS_IN: Record<string, readonly string[]> = {
  'technical_support:voicemail': [
    '{I see|It looks like} voicemail {was never|is not} {activated|set up} on {this|your} line{ since [since]|}.',
    '{The|Your} mailbox {shows|has} no password{ and no greeting|} on my screen.',
  ],
  'technical_support:roaming': [
    '{I see|There is} {the|an} international day pass {added|on the line} on [date]{ at [clock]|}.',
    '{The|Your} line {last|most recently} {registered|connected} {on our network|at home} on [date0]{, nothing abroad since|}.',
  ],
  'technical_support:app': [
    '{I see|There are} [count] {failed|rejected} {enrollment attempts|sign-ups} {in the app|from the app} since [date].',
    '{The|Your} account {is|shows as} {eligible|enrolled in nothing yet}{ for the rebate program|}.',
  ],
  'plan_change:utilities': [
    '{Your|The} last {bill|statement} {was|came to} [money]{, dated [paydate]|}.',
    '{I see|It looks like} the [noun] is on standard billing{ since [since]|}{, with paper statements|}.',
  ],
  'plan_change:insurance': [
    '{I see|There are} two drivers on the policy{ since [since]|}{, both on the [car]|}.',
    '{The|Your} {current|monthly} premium {is|shows as} [money]{, renewed on [pmonth] [pday]|}.',
  ],
  'product_inquiry:banking': [
    '{I see|There is} a certificate {maturing|coming due} on [when]{ at [rate]|}.',
    '{Your|The} {certificate|CD} {balance|value} {is|shows} [balance]{, opened in [since]|}.',
  ],
  'product_inquiry:healthcare_billing': [
    '{I see|There is} a {procedure|surgery} {scheduled|booked} for [when]{ with [doctor]|}.',
    '{Your|The} plan {shows|has} [money] {left on the deductible|of deductible remaining}.',
  ],
  'cancellation:travel': [
    '{I see|There is} the {booking|package} for [when]{, paid in full on [paydate]|}.',
    '{The|Your} {booking|reservation} {shows|comes to} [money]{, booked as non-refundable|, paid on [paydate]|}.',
  ],
};

/**
 * The `k`-th concrete thing the agent sees about this issue (from `start` in this category's list, so calls differ
 * in which comes first), or nothing once each has been said: a screen is not read out twice.
 */
export function finding(
  category: string,
  industry: string,
  slots: Slots,
  random: Random,
  k: number,
  start: number,
  /** The call's variant of the category: a topic of the persona's issue ("voicemail") or its industry. */
  variant: string = industry,
): string {
  const templates =
    variantEntry(FINDINGS_IN, FINDINGS, category, variant) ?? (FINDINGS.product_inquiry as readonly string[]);
  if (k >= templates.length) return '';
  return realise(templates[(start + k) % templates.length] as string, slots, random);
}

const REFERENCE_AGAIN: readonly string[] = [
  '{Again,|Just to repeat,|Once more,} {your|the} reference is [ref]{, and the email goes to [email]|}.',
  '{You will|You should} {get|see} {an email|a text} {by [day]|before [time]|today} with {the details|everything}{, reference [ref]|}.',
  "{I've|I have} {noted|logged} everything under [ref]{ for [day]|, with today's date|}.",
];

export function referenceAgain(slots: Slots, random: Random): string {
  return realise(pick(random, REFERENCE_AGAIN), slots, random);
}
