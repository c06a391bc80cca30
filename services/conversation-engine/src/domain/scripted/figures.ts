import { chance, intBetween, pick, type Random, seededRandom } from '../random.js';
import { MONTHS } from './library.js';
import type { Slots } from './template.js';
import { CITY_NAMES, ordinal, SURNAMES } from './world.js';

// One call's figures: every amount, date, time and code either speaker reads out, drawn once from the call's seed.
// A line used to draw its own figures, so one call said three different balances, a charge "posted" on four dates
// and a caller "sent it back" in January and again in December. Now each figure has one meaning and one value for
// the whole call ([balance] is the balance whoever says it), and the dates keep their order around the call's own
// "today": the event before the call, the last payment before that, a start or move date after it.

const MERCHANTS = [
  'Northgate Electronics',
  'Blue Fern Cafe',
  'Quickpark Garage',
  'Luma Streaming',
  'Ridgeway Pharmacy',
  'Copperleaf Books',
  'Harbor Fuel',
  'Tandem Fitness',
  'Orchard Market',
  'Pixelworks Online',
  'Summit Travel',
  'Greenline Transit',
  'Maple Street Diner',
  'Vertex Gaming',
  'Sunrise Bakery',
  'Atlas Hardware',
  'Crescent Cinemas',
  'Willow Pet Supply',
];
const SHOP_KINDS = [
  'Hardware',
  'Pharmacy',
  'Diner',
  'Auto Repair',
  'Market',
  'Bakery',
  'Garden Center',
  'Pet Supply',
  'Florist',
  'Books',
  'Deli',
  'Dry Cleaning',
];
const AIRLINES = ['UA', 'DL', 'AA', 'WN', 'AS', 'B6'];
const LETTERS = 'ABCDEFGHJKLMNPRSTUVWXYZ';
const DAY_MS = 86_400_000;

/** The figures of one call, by meaning. Money is "$12.34", dates "March 3rd", times "4:05 pm". */
export interface CallFigures {
  /** The figure the call is about: the caller's own figure (disputed charge, price paid today) or the plan amount. */
  money: string;
  /** A second charge (fraud: the next transaction). */
  money2: string;
  balance: string;
  pastDue: string;
  /** What the caller can pay each month (payment arrangements). */
  offer: string;
  lastPayment: string;
  /** When the problem happened or was noticed: days before the call. */
  date: string;
  /** A few days before `date` (shipped before it arrived, the last good sign-in before the lock-out). */
  date0: string;
  /** The day after `date` (a second charge, a second drop). */
  date2: string;
  /** The last payment or statement: weeks before the call. */
  payDate: string;
  /** An earlier note or call on the file: months before the call. */
  noteDate: string;
  /** A date after the call: a plan start, a move, a trip, a first payment. */
  when: string;
  /** When it happened, on `date` (waking hours). */
  clock: string;
  /** A while after `clock`: a crew dispatched, a line test run. */
  clock2: string;
  /** A scheduled time: a departure, a delivery window. */
  depart: string;
  /** Later today: a pick-up the caller has to make. */
  later: string;
  code: string;
  reading: string;
  flight: string;
  seat: string;
  tracking: string;
  merchant: string;
  merchant2: string;
  /** Where a depot, warehouse or processing centre is (not where the caller lives). */
  depot: string;
  minutes: string;
  /** An interest rate ("4.15%"). */
  rate: string;
  count: string;
  part: string;
  /** When the contract started or the thing was bought: month and day ([pmonth] [pday]), before `date0`. */
  startMonth: string;
  startDay: string;
  /** The dates above as UTC timestamps, with the call's own `today` (for checks; not a slot). */
  at: Record<'today' | 'start' | 'date0' | 'date' | 'date2' | 'payDate' | 'noteDate' | 'when', number>;
}

/** "$1,234.56" for a number of cents. */
export function dollars(cents: number): string {
  const whole = Math.floor(cents / 100);
  return `$${whole.toLocaleString('en-US')}.${String(cents % 100).padStart(2, '0')}`;
}

/** The cents of "$1,234.56"; undefined for anything that is not a positive amount. */
export function centsOf(money: string): number | undefined {
  const value = Number(money.replace(/[$,]/g, ''));
  return Number.isFinite(value) && value > 0 ? Math.round(value * 100) : undefined;
}

function spoken(time: number): string {
  const d = new Date(time);
  return `${MONTHS[d.getUTCMonth()]} ${ordinal(d.getUTCDate())}`;
}

/** "4:05 pm" for minutes after midnight. */
function clockAt(minutes: number): string {
  const hour24 = Math.floor(minutes / 60);
  const hour = hour24 % 12 === 0 ? 12 : hour24 % 12;
  return `${hour}:${String(minutes % 60).padStart(2, '0')} ${hour24 < 12 ? 'am' : 'pm'}`;
}

function merchant(random: Random): string {
  return chance(random, 0.5)
    ? pick(random, MERCHANTS)
    : `${pick(random, SURNAMES)}'s ${pick(random, SHOP_KINDS)}`;
}

/**
 * The call's figures, from its seed alone (the same on every line and after a restart). `money` is the figure the
 * call is about (the caller's own figure when the category has one, else the plan amount); `perMonth` is a monthly
 * figure the persona names ("around $150 a month"), which becomes the caller's offer; `balance` a balance it names.
 */
export function callFigures(
  seed: string,
  given: {
    money: string;
    perMonth?: string | undefined;
    balance?: string | undefined;
    lastPayment?: string | undefined;
    /** A second charge the persona implies (fraud: a part of its total). */
    money2?: string | undefined;
    /** How many charges or attempts the persona names. */
    count?: string | undefined;
    /** A contract that started months ago (plan change, cancellation), not a purchase days before the problem. */
    contract?: boolean;
  },
): CallFigures {
  const { money, perMonth } = given;
  const random = seededRandom(`${seed}:figures`);
  // The call's own "today": a fixed calendar (no clock), so one seed gives one set of dates.
  const today = Date.UTC(2025, intBetween(random, 0, 11), intBetween(random, 1, 28));
  const eventAgo = intBetween(random, 3, 40);
  const date0Ago = eventAgo + intBetween(random, 2, 4);
  const at = {
    today,
    start:
      today - (given.contract ? intBetween(random, 90, 330) : date0Ago + intBetween(random, 3, 20)) * DAY_MS,
    date0: today - date0Ago * DAY_MS,
    date: today - eventAgo * DAY_MS,
    date2: today - (eventAgo - 1) * DAY_MS,
    payDate: today - intBetween(random, 45, 75) * DAY_MS,
    noteDate: today - intBetween(random, 80, 200) * DAY_MS,
    when: today + intBetween(random, 5, 30) * DAY_MS,
  };
  const cents = (min: number, max: number) => intBetween(random, min * 100, max * 100);
  const moneyCents = centsOf(money) ?? cents(20, 300);
  const balance = (given.balance && centsOf(given.balance)) || Math.max(moneyCents, cents(180, 2400));
  const offerCents = (perMonth && centsOf(perMonth)) || Math.round(balance / intBetween(random, 4, 12));
  // Waking hours: 7 am to 9:59 pm.
  const minute = intBetween(random, 7 * 60, 21 * 60 + 59);
  return {
    money,
    money2: given.money2 ?? dollars(cents(8, 400)),
    // A figure the persona names is said as the persona wrote it ("$2,800", not "$2,800.00").
    balance: given.balance ?? dollars(balance),
    pastDue: dollars(Math.round(balance * (0.2 + random.next() * 0.4))),
    offer: perMonth ?? dollars(offerCents),
    lastPayment: given.lastPayment ?? dollars(cents(15, 260)),
    date0: spoken(at.date0),
    date: spoken(at.date),
    date2: spoken(at.date2),
    payDate: spoken(at.payDate),
    noteDate: spoken(at.noteDate),
    when: spoken(at.when),
    clock: clockAt(minute),
    clock2: clockAt(Math.min(minute + intBetween(random, 35, 150), 23 * 60 + 50)),
    depart: clockAt(intBetween(random, 6 * 4, 22 * 4) * 15),
    later: clockAt(intBetween(random, 13 * 4, 19 * 4) * 15),
    code: `${pick(random, [...LETTERS])}${intBetween(random, 100, 9999)}`,
    reading: String(intBetween(random, 10000, 99999)),
    flight: `${pick(random, AIRLINES)} ${intBetween(random, 100, 2999)}`,
    seat: `${intBetween(random, 3, 38)}${pick(random, ['A', 'B', 'C', 'D', 'E', 'F'])}`,
    tracking: `${pick(random, ['1Z', 'TBA', '94'])}${intBetween(random, 1000000, 9999999)}`,
    merchant: merchant(random),
    merchant2: merchant(random),
    depot: pick(random, CITY_NAMES),
    minutes: String(intBetween(random, 3, 55)),
    rate: `${(intBetween(random, 250, 520) / 100).toFixed(2)}%`,
    count: given.count ?? String(intBetween(random, 2, 9)),
    // The part of the day the event happened in, from its time.
    part: minute < 12 * 60 ? 'morning' : minute < 17 * 60 ? 'afternoon' : 'evening',
    startMonth: MONTHS[new Date(at.start).getUTCMonth()] as string,
    startDay: ordinal(new Date(at.start).getUTCDate()),
    at,
  };
}

/** The figures as template slots ([money], [balance], [date], [when], …). */
export function figureSlots(f: CallFigures): Slots {
  return {
    money: f.money,
    money2: f.money2,
    balance: f.balance,
    pastdue: f.pastDue,
    offer: f.offer,
    lastpay: f.lastPayment,
    date: f.date,
    date0: f.date0,
    date2: f.date2,
    paydate: f.payDate,
    notedate: f.noteDate,
    when: f.when,
    clock: f.clock,
    clock2: f.clock2,
    depart: f.depart,
    later: f.later,
    code: f.code,
    reading: f.reading,
    flight: f.flight,
    seat: f.seat,
    tracking: f.tracking,
    merchant: f.merchant,
    merchant2: f.merchant2,
    depot: f.depot,
    minutes: f.minutes,
    rate: f.rate,
    count: f.count,
    part: f.part,
    pmonth: f.startMonth,
    pday: f.startDay,
  };
}
