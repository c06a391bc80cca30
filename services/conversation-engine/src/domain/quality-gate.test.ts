import { describe, expect, it } from 'vitest';
import { assessCall, type GateLine, similarity } from './quality-gate.js';

function call(...said: string[]): GateLine[] {
  return said.map((text, turn) => ({
    turn,
    role: turn % 2 === 0 ? 'agent' : 'customer',
    said: text,
    heard: text,
  }));
}

const good = call(
  'Thank you for calling Brightwave, this is Renee. Who do I have the pleasure of speaking with?',
  'Hi, this is Dana Whitfield. I was charged a $35 activation fee that should have been waived.',
  "I'm sorry about that, Dana. Could I have the account number on your bill?",
  "Sure, it's BW-40718823.",
  'Thanks, I can see the account. Did the store tell you the fee would be waived?',
  'Yes, the rep said it was part of the spring promotion.',
  "I've removed the $35 charge; your reference number is QK-481920.",
  'Great, thank you so much.',
  'Is there anything else I can help you with today?',
  "No, that's all. Thanks again.",
  "You're all set. Take care!",
);

describe('quality gate', () => {
  it('lets a believable call through at every line', () => {
    for (let n = 1; n <= good.length; n++) expect(assessCall(good.slice(0, n))).toEqual({ ok: true });
  });

  it('flags a role that keeps repeating near-identical lines', () => {
    const lines = call(
      'Hello, how can I help you today?',
      'My internet is down.',
      'Please restart your router and tell me what the lights show.',
      'It is still down.',
      'Please restart your router and tell me what the lights show now.',
      'Still down.',
      'Please restart the router and tell me what the lights show.',
    );
    expect(assessCall(lines)).toMatchObject({ ok: false, rule: 'repetition', turn: 6 });
    expect(assessCall(lines.slice(0, 5))).toEqual({ ok: true });
  });

  it('flags three apologies in a row from one role', () => {
    const lines = call(
      'Hello, how can I help you today?',
      'You charged me twice.',
      "I'm so sorry to hear that, let me look.",
      'Can you fix it?',
      'I apologize for the trouble this caused you.',
      'So will it be refunded?',
      'My apologies, I really do understand how annoying it is.',
    );
    expect(assessCall(lines)).toMatchObject({ ok: false, rule: 'apology_loop', turn: 6 });
  });

  it('does not count the "sorry?" of someone who did not hear as an apology', () => {
    const lines = call(
      'Hello, how can I help?',
      'Sorry, could you repeat that?',
      'Of course: how can I help you today?',
      'Sorry, what was that? The line is bad.',
      'I said, what can I do for you?',
      'Sorry? I missed that again, my phone is breaking up.',
    );
    expect(assessCall(lines)).toEqual({ ok: true });
  });

  it('flags a customer who talks like an agent, and an agent who talks like a customer', () => {
    expect(
      assessCall(call('Hi, thanks for calling.', 'Thank you for calling, how may I help you?')),
    ).toMatchObject({
      ok: false,
      rule: 'role_reversal',
    });
    expect(
      assessCall(call('Hi.', 'Hello.', 'I want a refund for my order, my account number is 1234.')),
    ).toMatchObject({
      ok: false,
      rule: 'role_reversal',
    });
  });

  it('flags a call where most recent turns were empty', () => {
    const lines: GateLine[] = [
      { turn: 0, role: 'agent', said: 'Hello, who am I speaking with?', heard: '' },
      { turn: 1, role: 'customer', said: 'Hello?', heard: '' },
      { turn: 2, role: 'agent', said: 'Are you there?', heard: '' },
    ];
    expect(assessCall(lines)).toMatchObject({ ok: false, rule: 'empty_turns' });
    expect(assessCall(lines.slice(0, 2))).toEqual({ ok: true });
  });

  it('measures near-duplicates by shared word bigrams', () => {
    expect(similarity('please restart the router now', 'please restart the router now')).toBe(1);
    expect(similarity('please restart the router', 'what is your account number')).toBe(0);
  });
});
