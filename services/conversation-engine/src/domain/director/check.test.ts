import { describe, expect, it } from 'vitest';
import { checkRealized } from './check.js';
import type { Move } from './move.js';

function move(line: string, role: Move['role'] = 'agent'): Move {
  return { role, turn: 4, kind: 'step', line, mood: null, names: [], plannedPii: [] };
}

const check = (line: string, text: string) => checkRealized(move(line), text, line, { maxLineChars: 400 });

describe('the plan check of a model-worded line', () => {
  it.each([
    [
      'a single-digit figure',
      'Your refund will reach your card within 5 business days.',
      'Your refund will reach your card within 7 business days.',
    ],
    [
      'a time of day',
      'A technician can come on Tuesday at 9 am to look at it.',
      'A technician can come on Tuesday at 3 pm to look at it.',
    ],
    [
      'a day of the month',
      'A technician can come on Tuesday to look at the router.',
      'A technician can come on the 4th to look at the router.',
    ],
    [
      'a spelled-out amount',
      'Your refund of $120 will arrive on your card soon.',
      'Your refund of one hundred and fifty dollars will arrive on your card soon.',
    ],
    [
      'a spelled-out count',
      'Your refund will reach your card within 5 business days.',
      'Your refund will reach your card within seven business days.',
    ],
    [
      'a spelled-out date',
      'Your next bill is due on the 12th of the month.',
      'Your next bill is due on the fourteenth of the month.',
    ],
    ['a month', 'Your next bill is due on June 12 as usual.', 'Your next bill is due on March 12 as usual.'],
    [
      'a weekday',
      'A technician can come on Tuesday to look at the router.',
      'A technician can come on Friday to look at the router.',
    ],
    [
      'a name at the start of a sentence',
      'Someone from our billing team will call you back.',
      'Sarah from our billing team will call you back.',
    ],
    [
      'a weekday at the start of a sentence',
      'A technician can come on Tuesday to look at the router.',
      'Friday works for a technician to look at the router.',
    ],
  ])('rejects %s the plan does not have', (_what, line, text) => {
    expect(check(line, text)).toMatchObject({ ok: false });
  });

  it.each([
    [
      'digits for a spelled number',
      'Your refund will reach your card within five business days.',
      'Within 5 business days you will see the refund back on your card.',
    ],
    [
      'a spelled number for digits',
      'Your refund will reach your card within 5 business days.',
      'Within five business days you will see the refund back on your card.',
    ],
    [
      '"one" as a word',
      'Let me check the account for you, just a moment.',
      'One moment, let me check the account for you.',
    ],
    [
      'a known month and weekday',
      'Your next bill is due on Tuesday, June 12.',
      'The next bill comes due Tuesday, June 12, same as always.',
    ],
    [
      'a sentence that starts with "Will"',
      'Please restart the router now.',
      'Will you please restart the router now?',
    ],
    [
      'a sentence that starts with "May"',
      'I need your account number, please.',
      'May I have your account number, please?',
    ],
    [
      'a known name at the start',
      'Your technician is Sarah and she will call you back.',
      'Sarah will call you back, she is your technician.',
    ],
  ])('accepts %s', (_what, line, text) => {
    expect(check(line, text)).toEqual({ ok: true });
  });
});

describe('the plan check of a line handed back as given', () => {
  it.each([
    [
      'word for word',
      'Sure, the account number is KT-5521-093, one moment.',
      'Sure, the account number is KT-5521-093, one moment.',
    ],
    [
      'with other punctuation',
      'Sure, the account number is KT-5521-093, one moment.',
      'Sure. The account number is KT-5521-093... one moment!',
    ],
    [
      'with one word changed',
      'Yes, one second. The account number is TC-61129930.',
      'Yeah, one second. The account number is TC-61129930.',
    ],
    [
      'with a word in front of a long line',
      'I can see the charge of $42.10 from March 3rd and the second one from March 4th, and I will check why it posted twice.',
      'Okay, I can see the charge of $42.10 from March 3rd and the second one from March 4th, and I will check why it posted twice.',
    ],
    [
      'with curly apostrophes',
      "I'm sorry, I can't find the booking under that name.",
      'I’m sorry, I can’t find the booking under that name.',
    ],
  ])('refuses it %s as the model’s wording', (_how, line, text) => {
    expect(check(line, text)).toMatchObject({ ok: false, problem: 'copied' });
  });

  it('accepts a short line given back as is, and a rewording of a long one', () => {
    expect(check("Yes, that's right.", "Yes, that's right.")).toEqual({ ok: true });
    expect(
      check(
        'I can see the charge of $42.10 from March 3rd. Let me check why it posted twice.',
        'Okay, I see that $42.10 charge from March 3rd. Let me look into why it went through twice.',
      ),
    ).toEqual({ ok: true });
  });
});

describe('the plan check and the quality gate', () => {
  it('refuses a wording the quality gate would end the call on, when the move itself would not be', () => {
    const history = [
      { role: 'system' as const, content: 'persona', turn: -1 },
      { role: 'assistant' as const, content: "I'm so sorry about the wait on this.", turn: 4 },
      { role: 'user' as const, content: 'Okay, what happens now?', turn: 5 },
      { role: 'assistant' as const, content: "I'm really sorry, I apologize for the trouble.", turn: 6 },
      { role: 'user' as const, content: 'Fine. Go on.', turn: 7 },
    ];
    const planned = {
      ...move('I have updated the address on the account and sent you a confirmation.'),
      turn: 8,
    };
    const apology = "I'm so sorry, I have updated the address on the account and sent you a confirmation.";
    const verdict = checkRealized(planned, apology, planned.line, { maxLineChars: 400, history });
    expect(verdict).toMatchObject({ ok: false, problem: 'would_end_call' });
    const plain = 'The address on the account is updated now, and a confirmation is on its way to you.';
    expect(checkRealized(planned, plain, planned.line, { maxLineChars: 400, history })).toEqual({ ok: true });
  });
});

describe('a speaker addressing itself', () => {
  const customerMove = move('I fell behind with payments and I need to work something out.', 'customer');
  const verdict = (text: string) =>
    checkRealized(customerMove, text, `${customerMove.line}\nJerome Washington`, {
      maxLineChars: 400,
      speakerFirstName: 'Jerome',
    });

  it.each([
    "Hello, Jerome. I'm here for you. I fell behind with payments and need to work something out.",
    'I fell behind with payments. Thanks, Jerome, I need to work something out with you.',
    "Okay Jerome! I'm behind with my payments and need to sort something out.",
  ])('is the other role speaking: %s', (text) => {
    expect(verdict(text)).toMatchObject({ ok: false, problem: 'wrong_role' });
  });

  it.each([
    'Hi, Jerome here. I fell behind with payments and I need to work out a plan.',
    'Hello, Jerome Washington speaking; I am behind on payments and need a plan.',
    "Jerome again. I've fallen behind with my payments and need to work something out.",
  ])('is not, when the speaker introduces itself: %s', (text) => {
    expect(verdict(text)).not.toMatchObject({ problem: 'wrong_role' });
  });
});

describe('a backchannel worded by a model', () => {
  const listener: Move = { ...move('Mm-hm.', 'agent'), kind: 'backchannel' };
  const verdict = (text: string) => checkRealized(listener, text, listener.line, { maxLineChars: 400 });

  it.each(['Uh-huh.', 'Right, okay.', 'Yes, I see, go on.'])(
    'may be any short acknowledgement: %s',
    (text) => {
      expect(verdict(text)).toEqual({ ok: true });
    },
  );

  it.each([
    'Yes, could you give me your account number?',
    'Okay, I can see the charge of that amount on your account now.',
  ])('is not a question or a new turn of its own: %s', (text) => {
    expect(verdict(text)).toMatchObject({ ok: false, problem: 'off_move' });
  });
});
