import { pick, type Random } from '../random.js';
import { lowerStart } from './template.js';

// The words people put around what they actually say: how they start a turn and how they trail off. Chosen
// independently of the sentence they frame, so the same answer starts and ends differently from call to call. None of
// these carry a word either side's intent detection keys on.

const CUSTOMER_STARTS: Record<'calm' | 'warm' | 'tense', readonly string[]> = {
  calm: [
    'Well,',
    'So,',
    'Okay, so',
    'Let me think.',
    'Hmm.',
    'Right,',
    'Yes, and',
    'Now,',
    'Alright,',
    'Let me see.',
    'Actually,',
    'From what I remember,',
    'As far as I know,',
    'Last time I looked,',
    'Off the top of my head,',
    'If I remember right,',
    'Uh,',
    'Basically,',
  ],
  warm: [
    'Oh,',
    'Oh sure,',
    'Sure thing,',
    'Oh, let me think.',
    'Ha, okay.',
    'Yes!',
    'Oh gosh, let me think.',
    'Well, funny you ask,',
    'Right, so',
    'Of course,',
    'Okay, so',
    'Oh yes,',
  ],
  tense: [
    'Look,',
    'Listen,',
    'Again,',
    'Like I said,',
    'Honestly,',
    'Fine.',
    'Yeah, yeah.',
    'Okay, look.',
    'I mean,',
    'As I already said,',
    'For the record,',
    'Seriously,',
  ],
};

const CUSTOMER_ENDS: readonly string[] = [
  'For your notes.',
  'I think.',
  'Give or take.',
  'More or less.',
  "If I'm reading it right.",
  'Or close to it.',
  "Unless I'm mixing it up.",
  "That's what it says here, anyway.",
  'Something like that.',
  "I'm pretty sure.",
  'Does that make sense?',
];

// A sentence that already opens with one of these gets no second opener ("Okay, so okay.").
const OPENS_ALREADY =
  /^(?:okay|ok|alright|all right|sure|right|so|now|thanks|thank|got|good|great|perfect|understood|mm-hm|uh-huh|yes|yeah|yep|no|nope|well|oh|um|hmm|let's|fine|look|listen)\b/i;

/** Prefixes a turn-opening word and sometimes a trailing remark; a marker ending in a comma continues the sentence. */
function frame(text: string, start: string, end: string): string {
  if (OPENS_ALREADY.test(text)) start = '';
  const body =
    start.endsWith(',') || start.endsWith(' so') || start.endsWith(' and') ? lowerStart(text) : text;
  return [start, body, end].filter((part) => part !== '').join(' ');
}

export function customerFrame(text: string, tone: 'calm' | 'warm' | 'tense', random: Random): string {
  const start = random.next() < 0.55 ? pick(random, CUSTOMER_STARTS[tone]) : '';
  const end = random.next() < 0.2 ? pick(random, CUSTOMER_ENDS) : '';
  return frame(text, start, end);
}

const AGENT_STARTS: readonly string[] = [
  'Okay,',
  'Alright,',
  'So,',
  'Right,',
  'Now,',
  'Understood,',
  "Let's see,",
  'Okay then,',
  'Got it,',
  'Mm-hm,',
  'Right then,',
  'Noted,',
  'Okay, so',
  'Next,',
  'Hmm, okay,',
];

export function agentFrame(text: string, random: Random): string {
  const start = random.next() < 0.45 ? pick(random, AGENT_STARTS) : '';
  return frame(text, start, '');
}
