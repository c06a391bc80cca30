import { intBetween, pick, type Random } from '../random.js';
import { realise } from './template.js';

// The asides people make on the phone: where they are, who noticed, what they were doing, how long they waited.
// Long-winded and chatty callers make more of them; every call draws its own.

const PLACES = [
  'the car',
  'my kitchen',
  'the office',
  'a parking lot',
  'the bus',
  'my back porch',
  'the school pickup line',
  'a coffee shop',
  'the train platform',
  'my garden',
  'the hallway at work',
  'the grocery store',
  'the laundromat',
  "my sister's place",
  'the gym',
  'the airport',
  'a hotel lobby',
  'the waiting room at the dentist',
  'my truck',
  'the break room',
  'the library',
  'a rest stop',
  'the pharmacy queue',
  'the front steps',
  'my desk at home',
];
const PEOPLE = [
  'my husband',
  'my wife',
  'my partner',
  'my son',
  'my daughter',
  'my neighbor',
  'my roommate',
  'my mother',
  'my father',
  'my brother',
  'my sister',
  'a coworker',
  'my accountant',
  'my landlord',
  'a friend of mine',
  'my grandson',
  'my granddaughter',
  'my boss',
  'the babysitter',
  'my cousin',
  'my uncle',
  'my aunt',
];
const ACTIVITIES = [
  'making dinner',
  'driving to work',
  'paying the other bills',
  'checking my email',
  'getting the kids to bed',
  'at the bank',
  'on my lunch break',
  'watching the game',
  'doing my taxes',
  'walking the dog',
  'unpacking groceries',
  'on a video call',
  'cleaning out the garage',
  'reviewing my budget',
  'booking a vacation',
  "at a doctor's appointment",
  'setting up my new laptop',
  'helping my kid with homework',
  'out for a run',
  'finishing a report',
];
const WHENS = [
  'last night',
  'this morning',
  'yesterday afternoon',
  'on Sunday',
  'over the weekend',
  'on Monday evening',
  'a couple of days ago',
  'earlier today',
  'right after lunch',
  'late on Friday',
  'first thing this morning',
  'two nights ago',
  'on my way home',
  'around midnight',
  'at breakfast',
  'before work',
];

const FRAMES = [
  "{I'm|I am} {calling|on the phone} from [place]{, so sorry if it's loud|, excuse the noise|}.",
  '[person] {noticed|spotted|pointed it out|brought it up} [when].',
  '{I first|I} {saw|noticed} it [when] {while I was|when I was} [activity].',
  "{I have to|I need to} {pick up|meet} [person] {soon|in a bit|after this}{, so I can't stay long|}.",
  "{It's|This is} the [nth] time I've {called|tried calling}{ about this| this week|}.",
  "{I've been|I was} on hold for [minutes] minutes{ before I got you| already|}.",
  '{Honestly,|To be fair,} [person] {told me|warned me|said} {to call|I should call} [when].',
  "{I'm|I am} [activity] {right now|at the moment}{, so bear with me|}.",
];

export function aside(random: Random): string {
  const nth = pick(random, ['second', 'third', 'fourth', 'fifth']);
  return realise(
    pick(random, FRAMES),
    {
      place: PLACES,
      person: PEOPLE,
      activity: ACTIVITIES,
      when: WHENS,
      nth,
      minutes: String(intBetween(random, 4, 48)),
    },
    random,
  );
}

const AGENT_FRAMES = [
  "{I've had|We've had} {a few|a couple of|several} calls like yours {today|this week|since [when]}.",
  '{The system|Our system} {has been|is} {a little slow|sluggish|busy} {today|since [when]}{, so thanks for bearing with me|}.',
  "{I'm|I am} {making a note|writing that down|adding a note} {on your file|to the account|so the next person sees it}.",
];

export function agentAside(random: Random): string {
  return realise(pick(random, AGENT_FRAMES), { when: WHENS }, random);
}
