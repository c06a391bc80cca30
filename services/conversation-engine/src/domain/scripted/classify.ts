// What a role makes of the line it HEARD (an ASR result, possibly with wrong words): keyword families, several
// per intent, so one misrecognised word rarely flips the meaning.

export type AgentHeard =
  | 'empty'
  | 'unclear'
  | 'supervisor'
  | 'goodbye'
  | 'accept'
  | 'reject'
  | 'identifier'
  | 'question'
  | 'other';

export type CustomerHeard =
  | 'empty'
  | 'unclear'
  | 'transfer'
  | 'farewell'
  | 'ask_identity'
  | 'proposal'
  | 'limitation'
  | 'anything_else'
  | 'hold'
  | 'step'
  | 'other';

function normal(text: string): string {
  return ` ${(text.toLowerCase().match(/[a-z0-9']+/g) ?? []).join(' ')} `;
}

function has(text: string, keys: readonly string[]): boolean {
  return keys.some(
    (k) => text.includes(` ${k} `) || (k.endsWith('*') && text.includes(` ${k.slice(0, -1)}`)),
  );
}

const UNCLEAR = [
  "didn't catch",
  'did not catch',
  'say that again',
  'repeat that',
  'missed that',
  'cut out',
  'broke up',
  "didn't get",
  'not finding',
  'repeat it',
  'what did you say',
  'did not get',
];

const SUPERVISOR = ['supervisor', 'manager', 'someone above', 'senior', 'escalate', 'supervise*'];
const GOODBYE = [
  'that is all',
  'that is everything',
  'that is it',
  "that's all",
  "that's everything",
  'nothing else',
  'that covers it',
  "that's it",
  'no thanks',
  'goodbye',
];
const ACCEPT = [
  'all right',
  'ok',
  'excellent',
  'brilliant',
  'thank you',
  'thanks',
  'great',
  'perfect',
  'that works',
  'sounds good',
  'okay',
  'wonderful',
  'alright',
  'fine',
  'appreciate',
];
const REJECT = ['not good enough', "that's not", 'absolutely not', 'no way', 'unacceptable', 'disappointing'];

export function classifyForAgent(heard: string): AgentHeard {
  const t = normal(heard);
  if (t.trim() === '') return 'empty';
  if (has(t, UNCLEAR)) return 'unclear';
  if (has(t, SUPERVISOR)) return 'supervisor';
  if (has(t, GOODBYE)) return 'goodbye';
  if (has(t, REJECT)) return 'reject';
  if (/\d{3,}|\b\d+ \d+ \d+/.test(t) || /[a-z]{1,3}\d{3,}/.test(t)) return 'identifier';
  if (has(t, ACCEPT)) return 'accept';
  if (heard.trim().endsWith('?')) return 'question';
  return 'other';
}

const TRANSFER = ['transfer*', 'put you through', 'connect you', 'supervisor', 'escalations team'];
const ANYTHING_ELSE = ['anything else'];
const LIMITATION = [
  'not able',
  'unable',
  "can't",
  'cannot',
  'unfortunately',
  "i'm afraid",
  'i am afraid',
  "won't let me",
  "doesn't allow",
  'beyond',
  'outside',
];
const PROPOSAL = [
  "i've",
  'i have',
  'done',
  'all set',
  'good news',
  'reference',
  'credited',
  'refunded',
  'approved',
  'processed',
  'confirmation',
  "you're back",
  'protected',
];
const IDENTITY = [
  'account number',
  'order number',
  'policy number',
  'booking reference',
  'reservation code',
  'date of birth',
  'last four',
  'digits',
  'verify',
  'confirm your',
  'account number',
  'read it',
  'repeat',
];
// With the wordings the speech style swaps in ("one second", "hang on").
const HOLD = [
  'bear with me',
  'one moment',
  'a moment',
  'one second',
  'a second',
  'a sec',
  'a minute',
  'hang on',
  'hold',
];

export function classifyForCustomer(heard: string): CustomerHeard {
  const t = normal(heard);
  if (t.trim() === '') return 'empty';
  if (has(t, UNCLEAR)) return 'unclear';
  if (has(t, TRANSFER)) return 'transfer';
  if (has(t, ANYTHING_ELSE)) return 'anything_else';
  // A limitation is a statement; a question with "can't" in it is a recogniser turning "Can I ask" into "Can't I ask".
  if (has(t, LIMITATION) && !heard.includes('?')) return 'limitation';
  if (has(t, IDENTITY) && heard.includes('?')) return 'ask_identity';
  if (has(t, PROPOSAL) && has(t, ['reference', 'confirmation', 'case', 'ticket'])) return 'proposal';
  if (has(t, HOLD) && !heard.includes('?')) return 'hold';
  if (heard.includes('?')) return 'step';
  return 'other';
}
