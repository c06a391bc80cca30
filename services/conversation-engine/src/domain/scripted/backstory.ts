import { pick, type Random } from '../random.js';
import { realise, type Slots } from './template.js';
import { freshSlots } from './world.js';

// The caller's own back-story: who is involved, where they are, when it started, what they bought. Told once in
// the opening and in passing later, always from the call's world (world.ts), so it names this call's people and
// places. None of these lines may carry a word the agent's intent detection keys on (supervisor, manager, goodbye,
// "that's it", a repeat request): a back-story must never read as a demand or a farewell.

const ANY: readonly string[] = [
  '{My [rel] [relname]|[relname], my [rel],} {noticed|saw} it on [date] at [clock]{ while we were in [city2]| when we got back from [city2]|}.',
  "{I've been|I have been} {a customer|with you} since [since]{, back when I lived on [pstreet] in [city2]|, when I was still in [city2]}.",
  '{My [pwho] [pname]|[pname], my [pwho],} {told me about you|gave me your number} {back in [since]|years ago}{, [ppron] is in [pcity]|}.',

  "{I've been|I have been} {a customer|with you} {since [since]|for about [years] years}{, and this has never happened before|, so I know how things usually go|}.",
  'My [rel] [relname] {told me to call|gave me this number|is sitting here with me}{, [relpron] had something similar {last year|in [pmonth]}|}.',
  "{I'm|I am} calling from [city]{, I'm at my [rel]'s place| on my lunch break| while I wait for my [rel] [relname]|}.",
  '{We|I} {just|} {got back|came back} from [city2]{ on [date]|} and {found|noticed} {it|this} {right away|the same evening}.',
  "{It started|This all started} {around|on} [date]{, the week my [rel] [relname] was visiting|, right before my [rel]'s [occasion]|}.",
  '{My [rel]|[relname], my [rel],} {noticed|spotted} {it|this} {first|before I did}{ and {told|texted} me {at work|from [city]}|}.',
];

const BY_INDUSTRY: Record<string, readonly string[]> = {
  telecom: [
    "{It's|This is} {on|about} the [item] {I got|I bought} {in [pmonth]|back in [pmonth]}{ at your store on [street]| for my [rel]|}.",
    "{We|I} have {three|four|two} lines{, one of them is my [rel] [relname]'s|, one is for my [rel] [relname]}{, plus a [item]|}.",
  ],
  banking: [
    "{I've|I have} banked with you since [since]{, since I lived in [city2]|, back when the branch on [street] was open|}.",
    "It's {on|about} my [item]{, the one I use for groceries| I opened in [since]| that [relname] is also on|}.",
  ],
  ecommerce: [
    "I {bought|ordered} it on the [pday] {for my [rel]'s [occasion]|as a gift for [relname]|for myself}{, on the way back from [pcity]|, paid for with my [rel]'s help|}.",
    '{It|The order} {was|is} {a gift|for my [rel] [relname]}{, {their|the} [occasion] is {on the [pday]|coming up}|}{, and [relname] lives in [pcity]|}.',
  ],
  travel: [
    "{I'm|We're} {flying|booked} {with [airline]|out of [airport]}{ with my [rel] [relname]|}{, it's for a [occasion]| for my [rel]'s [occasion]|}.",
    "{We|I} {booked|planned} {this|the trip} {back in [pmonth]|months ago}{, [relname] and I|, for my [rel]'s [occasion]|}.",
  ],
  utilities: [
    '{We have|I have} {a|the} [item] {and|plus} {a [pet] named [petname]|a [pet] at home|two kids at home}{, so it matters|, so this is a big deal|}.',
    '{We|I} {moved here|bought the house} {on [street]|} {in [since]|back in [since]}{, and the [item] is the only new thing|}.',
  ],
  healthcare_billing: [
    '{It was|This is} {for|from} {my|a} [item] with [doctor]{ at the clinic in [city]|}{ on [pmonth] [pday]|}.',
    '{My|Our} {doctor|family doctor}, [doctor], {sent me|referred me}{ to the office on [street]|}{ in [pmonth]|}.',
  ],
  insurance: [
    "{I've had|We've had} {the policy|this policy} since [since]{, for the [car] and the house| with my family on it|}.",
    'My [rel] [relname] {is|was} {on the policy|listed on the policy} too{, {relpron} drives the [car]|}.',
  ],
};

/** One back-story sentence for this call, from its world slots. */
export function backstory(industry: string, slots: Slots, random: Random): string {
  const own = BY_INDUSTRY[industry] ?? [];
  const templates = own.length > 0 && random.next() < 0.5 ? own : ANY;
  return articles(realise(pick(random, templates), { ...freshSlots(random), ...slots }, random));
}

/**
 * "a air fryer" → "an air fryer", "an previous" → "a previous": slot values and swapped phrasings decide the article
 * only once they are in. Lowercase words only (names and acronyms keep what the template said); "u" is left alone
 * ("a usual", "an umbrella" both occur).
 */
export function articles(text: string): string {
  return (
    text
      .replace(/\b([Aa]) (?!one|once|[Ee]u)(?=[aeioAEIO][a-zA-Z]|X-)/g, '$1n ')
      // "an ultrasound", "an urgent care visit", "an update" (not "a unit", "a usual", "a user").
      .replace(/\b([Aa]) (?=(?:ult|urg|umb|up|ug|un(?!i))[a-z])/g, '$1n ')
      // "an $80 fee", "an $11.50 charge", "an $18,000 claim" (eight…, eleven, eighteen).
      .replace(/\b([Aa]) (?=\$(?:8|1[18](?![\d])|1[18],\d))/g, '$1n ')
      .replace(/\b([Aa])n (?=[bcdfgjklmnpqrstvwxyz][a-z])/g, '$1 ')
  );
}

// Said in passing while answering: who is with them, what else is going on. Carries the call's people and places,
// so the small talk is this caller's, not a stock line. Never where the caller is now: the opening may have said it
// ("calling from [city]"), and a second, different whereabouts would contradict it.
const WORLD_ASIDES: readonly string[] = [
  'My [pwho] [pname] had the same {problem|thing} {in [pcity]|over on [pstreet]} {back in [pmonth]|last [pmonth]}{, and it took [pweeks] weeks| and it took ages to sort out|}.',
  '{[pname]|My [pwho] [pname]}, who {lives|used to live} in [pcity], {told me|said} {to call|I should call} {before [later]|today}.',
  "{Sorry,|Excuse me,} {my|the} [pdog] {is|keeps} {barking|whining} at {the door|[pname] next door}{, I'm in the middle of making [pdish]|}.",
  '{I was|We were} {halfway through|just sitting down to} [pdish] {when|and then} {I saw|I noticed} {it|this}{ at [clock]|, on [date]}.',
  "{I've got to|I have to|I need to} {pick up|meet} [relname] {at [later]|by [later]} {on [pstreet]|near [pstreet]|in [pcity]}{, so I'm a bit pressed|}.",
  '{[relname] and I|My [rel] and I} {drove|came} {back|down} from [city2] on [date]{ and it was like this when we got in|}.',

  '{Sorry,|Excuse me,} [relname] is {talking to me|asking me something|trying to help} {at the same time|in the background}.',
  '{My [rel]|[relname]} had {the same|a similar} {problem|thing} {last [pmonth]|in [since]}{, {relpron} said it took weeks|, it got fixed eventually|}.',
  "{The|My} [pet] {is|keeps} {barking|whining} {in the background|at the door}{, sorry, that's [petname]|, ignore [petname]|}.",
  "{I have to|I've got to} {pick up|meet} [relname] {at [later]|after this|in a bit}{ over on [street]|}.",
  "{My|Our} [item] {is|was} {the only|the one} thing {I changed|that's new} {lately|this year}{, I think|}.",
];

// A tense caller's asides carry the mood: what the problem has already cost them.
const TENSE_ASIDES: readonly string[] = [
  "{I've|I have} {wasted|lost} {a whole morning|half a day|two evenings} on this{ already|}{, and [relname] is fed up too|}.",
  '{I had to|I needed to} {cancel|move} {plans with [pname]|a trip to [pcity]|a shift} {because of this|over this}{, which is ridiculous|}.',
  "{My [pwho] [pname]|[pname], my [pwho],} {told me|warned me} {you'd|your company would} {mess this up|make this hard}{, and here we are|}.",
  "{This has cost me|This made me lose} {a day's pay|time off work|a lot of sleep}{ since [date]|}, {frankly|honestly}.",
];

export function worldAside(slots: Slots, random: Random, tense = false): string {
  const templates = tense && random.next() < 0.7 ? TENSE_ASIDES : WORLD_ASIDES;
  return articles(realise(pick(random, templates), { ...freshSlots(random), ...slots }, random));
}
