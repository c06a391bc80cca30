import type { Faker, FakerOptions } from '@faker-js/faker';
import { faker as english } from '@faker-js/faker/locale/en';
import { intBetween, pick, type Random, seededRandom } from '../random.js';
import type { Slots } from './template.js';

// The concrete, open-vocabulary details of one call's world: the people the caller mentions, where they are, what
// they bought or use, the colleague whose note the agent reads. Real calls are full of these and each call's are its
// own, which is most of what keeps two calls about the same issue from reading alike. Names, cities and streets come
// from @faker-js/faker's English data (thousands of real first names, ~1,000 US cities), drawn through our seeded
// Random, so one seed gives one world; faker's own generator and its clock-based date helpers are never used.

// Only the English data is loaded: the package's main entry imports every locale's, ~60 MB of a run's live heap
// (measured in a heap snapshot) for data no call uses. Its English instance brings the class and the English + base
// definitions, merged exactly as `locale: [en, base]` merges them.
const EnglishFaker = english.constructor as new (options: FakerOptions) => Faker;
/** faker's English data (English first, then base, as faker merges them). */
const en = english.rawDefinitions;

/** A faker instance that draws from the given seeded source (same seed, same names). */
export function fakerFor(random: Random): Faker {
  return new EnglishFaker({
    locale: english.rawDefinitions,
    randomizer: { next: () => random.next(), seed: () => undefined },
  });
}

const RELATIVES: ReadonlyArray<readonly [relation: string, sex: 'female' | 'male']> = [
  ['daughter', 'female'],
  ['son', 'male'],
  ['wife', 'female'],
  ['husband', 'male'],
  ['sister', 'female'],
  ['brother', 'male'],
  ['mother', 'female'],
  ['father', 'male'],
  ['neighbor', 'female'],
  ['neighbor', 'male'],
  ['roommate', 'female'],
  ['roommate', 'male'],
  ['granddaughter', 'female'],
  ['grandson', 'male'],
  ['niece', 'female'],
  ['nephew', 'male'],
  ['partner', 'female'],
  ['partner', 'male'],
  ['friend', 'female'],
  ['friend', 'male'],
  ['coworker', 'female'],
  ['coworker', 'male'],
  ['cousin', 'female'],
  ['cousin', 'male'],
];
const STREET_KINDS = ['Street', 'Avenue', 'Road', 'Drive', 'Lane', 'Court', 'Way', 'Boulevard', 'Place'];
const OCCASIONS = [
  'birthday',
  'anniversary',
  'graduation',
  'retirement',
  'housewarming',
  'wedding',
  'baby shower',
  'first day at a new job',
  'trip',
  'move',
];
const ORDINAL_SUFFIX = (n: number) =>
  n % 10 === 1 && n !== 11 ? 'st' : n % 10 === 2 && n !== 12 ? 'nd' : n % 10 === 3 && n !== 13 ? 'rd' : 'th';

export function ordinal(n: number): string {
  return `${n}${ORDINAL_SUFFIX(n)}`;
}

/** The things people in each industry own or use, named the way callers name them. */
const ITEMS: Record<string, readonly string[]> = {
  telecom: [
    'Galaxy S23',
    'Galaxy A54',
    'Pixel 8',
    'Pixel 7a',
    'iPhone 15',
    'iPhone 13 mini',
    'Moto G Power',
    'OnePlus 12',
    'Galaxy Z Flip',
    'iPad',
    'smartwatch',
    'hotspot',
    'tablet',
    'landline handset',
  ],
  banking: [
    'debit card',
    'rewards credit card',
    'savings account',
    'joint checking account',
    'car loan',
    'home equity line',
    'business card',
    'travel card',
  ],
  ecommerce: [
    'air fryer',
    'standing desk',
    'coffee grinder',
    'pair of running shoes',
    'rice cooker',
    'floor lamp',
    'set of bed sheets',
    'bluetooth speaker',
    'office chair',
    'winter coat',
    'stand mixer',
    'robot vacuum',
    'camping stove',
    'bookshelf',
    'baby monitor',
    'pair of headphones',
    'yoga mat',
    'toaster oven',
    'duvet cover',
    'electric kettle',
  ],
  travel: [
    'aisle seat',
    'window seat',
    'carry-on',
    'checked bag',
    'rental car',
    'hotel room',
    'connecting flight',
  ],
  utilities: [
    'water heater',
    'furnace',
    'heat pump',
    'dishwasher',
    'washing machine',
    'space heater',
    'electric car charger',
    'sump pump',
    'chest freezer',
    'window air conditioner',
  ],
  healthcare_billing: [
    'blood test',
    'X-ray',
    'physical therapy session',
    'follow-up visit',
    'urgent care visit',
    'ultrasound',
    'allergy test',
    'annual checkup',
  ],
  insurance: ['car', 'truck', 'minivan', 'motorcycle', 'house', 'condo', 'boat', 'camper'],
};

export interface CallWorld {
  relation: string;
  relName: string;
  relPronoun: string;
  relPossessive: string;
  friend: string;
  city: string;
  otherCity: string;
  state: string;
  street: string;
  since: string;
  years: string;
  purchaseDay: string;
  purchaseMonth: string;
  occasion: string;
  pet: string;
  petName: string;
  item: string;
  carMake: string;
  doctor: string;
  colleague: string;
  airport: string;
  airline: string;
}

/** The world of one call: derived from the call's seed only, so every line of the call sees the same world. */
export function callWorld(seed: string, industry: string, months: readonly string[]): CallWorld {
  const random = seededRandom(`${seed}:world`);
  const f = fakerFor(random);
  const [relation, sex] = pick(random, RELATIVES);
  const year = intBetween(random, 2004, 2023);
  return {
    relation,
    relName: f.person.firstName(sex),
    relPronoun: sex === 'female' ? 'she' : 'he',
    relPossessive: sex === 'female' ? 'her' : 'his',
    friend: f.person.firstName(),
    city: f.helpers.arrayElement(f.definitions.location.city_name),
    otherCity: f.helpers.arrayElement(f.definitions.location.city_name),
    state: f.location.state(),
    street: `${pick(random, [f.person.lastName(), f.person.firstName(), f.location.county()])} ${pick(random, STREET_KINDS)}`,
    since: String(year),
    years: String(2025 - year),
    purchaseDay: ordinal(intBetween(random, 1, 28)),
    purchaseMonth: pick(random, months),
    occasion: pick(random, OCCASIONS),
    pet: f.animal.dog(), // as faker spells it: "Chesapeake Bay Retriever", not "chesapeake bay retriever"
    petName: f.person.firstName(),
    item: pick(random, ITEMS[industry] ?? (ITEMS.ecommerce as readonly string[])),
    carMake: f.vehicle.manufacturer(),
    doctor: `Dr. ${f.person.lastName()}`,
    colleague: `${f.person.firstName()} ${f.person.lastName()}`,
    airport: f.airline.airport().name,
    airline: f.airline.airline().name,
  };
}

/** The world as template slots ([relname], [city], …). */
export function worldSlots(world: CallWorld): Slots {
  return {
    rel: world.relation,
    relname: world.relName,
    relpron: world.relPronoun,
    relposs: world.relPossessive,
    friend: world.friend,
    city: world.city,
    city2: world.otherCity,
    state: world.state,
    street: world.street,
    since: world.since,
    years: world.years,
    pday: world.purchaseDay,
    pmonth: world.purchaseMonth,
    occasion: world.occasion,
    pet: world.pet,
    petname: world.petName,
    item: world.item,
    car: world.carMake,
    doctor: world.doctor,
    colleague: world.colleague,
    airport: world.airport,
    airline: world.airline,
  };
}

const FEMALE_NAMES: readonly string[] = en.person?.first_name?.female ?? ['Mary'];
const MALE_NAMES: readonly string[] = en.person?.first_name?.male ?? ['John'];

/** Every first name of faker's English lists (the names a model reaches for, too). */
export const FIRST_NAMES: ReadonlySet<string> = new Set([...FEMALE_NAMES, ...MALE_NAMES]);

/** A first name of the given sex from faker's English lists. */
export function firstName(random: Random, sex: 'female' | 'male'): string {
  return pick(random, sex === 'female' ? FEMALE_NAMES : MALE_NAMES);
}
/** ~470 surnames and ~1,000 US city names from faker's English data, read as plain lists. */
export const SURNAMES: readonly string[] = en.person?.last_name?.generic ?? ['Smith'];
export const CITY_NAMES: readonly string[] = en.location?.city_name ?? ['Springfield'];
const DOGS: readonly string[] = en.animal?.dog ?? ['terrier'];
const DISHES: readonly string[] = en.food?.dish ?? ['lasagna'];
const PEOPLE = [
  'neighbor',
  'coworker',
  'friend',
  'cousin',
  'brother-in-law',
  'sister-in-law',
  'landlord',
  'boss',
];

/** A dish as said mid-sentence: lower case but for the names in it ("French toast", "Caesar salad"). */
function dish(name: string): string {
  return name
    .toLowerCase()
    .replace(
      /\b(french|caesar|philly|thai|greek|italian|mexican|japanese|chinese|korean|indian|spanish|belgian|swedish|cajun|buffalo|hawaiian|new york|california|peking|hainanese|massaman|pad thai)\b/g,
      (w) => w.replace(/\b[a-z]/g, (c) => c.toUpperCase()),
    );
}

/**
 * Fresh people and places for one line (someone else the caller mentions in passing), drawn from faker's English
 * lists with the line's own seeded source: plain array picks, no faker instance, so it costs nothing per line.
 */
export function freshSlots(random: Random): Slots {
  const female = random.next() < 0.5;
  return {
    pname: pick(random, female ? FEMALE_NAMES : MALE_NAMES),
    ppron: female ? 'she' : 'he',
    psurname: pick(random, SURNAMES),
    // An in-law's name goes with the word ("my brother-in-law Rosanna" read wrong).
    pwho: pick(
      random,
      PEOPLE.filter((p) => !p.endsWith('-in-law') || p.startsWith(female ? 'sister' : 'brother')),
    ),
    pcity: pick(random, CITY_NAMES),
    pstreet: `${pick(random, SURNAMES)} ${pick(random, STREET_KINDS)}`,
    pdog: pick(random, DOGS),
    pdish: dish(pick(random, DISHES)),
    pweeks: String(intBetween(random, 2, 9)),
  };
}
