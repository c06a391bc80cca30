import { pick, type Random } from '../random.js';
import { articles } from './backstory.js';
import { realise, type Slots } from './template.js';
import { freshSlots } from './world.js';

// How a caller first puts the problem in their own words, before (or instead of) the persona's exact sentence:
// what kind of problem it is, with this call's own figures and dates. The persona's words still come out later in
// the call (planner.ts: its main clause when asked why), so the scenario is never lost.

const OPENING: Record<string, readonly string[]> = {
  billing_dispute: [
    "{I'm calling about|It's about} a charge on my [doc]{ from [date]|} that {I don't think|I'm sure} {is right|I never agreed to}.",
    '{My|The} last [doc] {has|shows} a {fee|charge} {I did not expect|nobody told me about}{, and I want to understand it|}.',
  ],
  refund: [
    "{I'm still waiting|I've been waiting} {on|for} a refund{ since [date]|, it's been [pweeks] weeks}.",
    '{I was promised|Someone promised me} {my money back|a refund} {on [date]|weeks ago}{ and nothing has arrived|}.',
  ],
  return: [
    '{I need|I want} to {send something back|return something} {I bought on [date]|from an order in [pmonth]}.',
    "{It's about|I'm calling about} a return{ that hasn't gone smoothly|, and I'm not sure it will be accepted}.",
  ],
  order_status: [
    "{My|An} order {hasn't arrived|still hasn't shown up}{, and it was due on [date]|, the tracking hasn't moved since [date]}.",
    '{I ordered|We ordered} {something|a gift} {back on [date]|in [pmonth]} and {I have no idea|nobody can tell me} where it is.',
  ],
  damaged_or_wrong_item: [
    '{My|The} {delivery|parcel} {came|arrived} on [date]{ at about [clock]|}, and {something is broken|it is not right}.',
    "{What I got|What arrived} {isn't|is not} {what I ordered|in one piece}{, I opened it on [date]|}.",
  ],
  address_change: [
    '{I need to|I have to} {update|change} {my address|where things get sent}{, we move on [when]|, I moved in [pmonth]}.',
    "{I've|We've} {moved|just moved}{ to [pcity]| across town} and {my|the} {details|address} {need|needs} {updating|changing}.",
  ],
  product_inquiry: [
    '{I have|I had} a question {before I buy|about something I want to get}{, I have been reading about it since [date]|}.',
    "{I'm|I am} {trying to decide|not sure} {whether to buy|about getting} something{ and the website doesn't say|}.",
  ],
  account_access: [
    "{I can't|I cannot} {get into|log into} my account{ since [date]|, it keeps telling me no|}.",
    "{I'm|I am} {locked out|shut out} of my account{ since about [clock]| after [count] tries}.",
  ],
  cancellation: [
    '{I want to|I need to} {cancel|close} {something|my [noun]}{ before [when]|, and I want it done properly}.',
    "{I'm|I am} {ready to|looking to} {cancel|end} {my [noun]|the service}{, effective [when] ideally|}.",
  ],
  plan_change: [
    "{I'd like to|I want to} {change|switch} {my plan|what I'm on}{, the bill was [money] last month|}.",
    '{My|The} {plan|package} {no longer fits|does not suit} {us|what we need}{ since [pmonth]|}.',
  ],
  payment_arrangement: [
    "{I'm|I've fallen} behind {on|with} {payments|my bill}{, about [pastdue]|} and {I need|I want} to {sort out|set up} a plan.",
    "{I can't|I cannot} {pay|cover} the {whole|full} {balance|amount} {right now|this month}{, it's [balance]|}.",
  ],
  fraud: [
    "{There's|I see} {activity|charges} on my [noun] {that isn't mine|I didn't make}{, starting [date]|}.",
    '{Someone|Somebody} {has been using|got into} my [noun]{, I noticed it at [clock] on [date]|}.',
  ],
  booking_change: [
    '{I need to|I have to} {change|fix} {a booking|my trip}{ for [when]|, and it is urgent}.',
    "{Something|Part} of my {booking|reservation} {isn't|is not} right{, the trip is on [when]|}.",
  ],
  claim_status: [
    '{I filed|We filed} a claim {on [date]|back in [pmonth]}{ and {heard|got} nothing back|, and nobody calls me back}.',
    "{I'm calling|I want to know} {about|what is happening with} {my claim|a claim}{ from [date]|}.",
  ],
  technical_support: [
    "{My|The} [thing] {stopped|quit} working{ properly| on [date]|} and {I can't|I cannot} {figure out|work out} why.",
    "{Something's|Something is} wrong with {my|the} [thing]{ since about [clock]| since [date]|}.",
  ],
  outage: [
    '{My|The} [noun] {has been|is} {down|out} {since [clock]|since [date]}{ and nobody can tell me why|}.',
    "{We've|We have} {had|got} no {service|signal|connection} {since [clock]|all day}{, and it's not just us|}.",
  ],
};

/** The caller's own first words about the problem, or the empty string for a category it does not know. */
export function issueInOwnWords(category: string, slots: Slots, random: Random): string {
  const templates = OPENING[category];
  if (!templates) return '';
  return articles(realise(pick(random, templates), { ...freshSlots(random), ...slots }, random));
}

const WANTS: readonly string[] = [
  '{I just want|All I want is} {it sorted|this fixed|it put right}{ before [day]| by the end of the week| today|}.',
  "{Ideally|Honestly}, {I'd like|I want} {this|it} {dealt with|settled} {today|on this call}{, I don't want to call again|}.",
  "{If you can|If someone can} {fix|sort} {it|this} {today|by [day]}{, that would be great|, I'd be grateful|}.",
];

/** A caller's want when the persona's exact resolution is not quoted. */
export function wantInOwnWords(slots: Slots, random: Random): string {
  return realise(pick(random, WANTS), slots, random);
}
