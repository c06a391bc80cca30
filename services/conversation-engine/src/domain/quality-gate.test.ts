import { defaultPersonas } from '@synthcall/personas';
import { describe, expect, it } from 'vitest';
import { ScriptedLlmProvider } from '../adapters/scripted-llm-provider.js';
import { callContext } from './context.js';
import { assessCall, type GateLine, parrotShare, repeatsWithinLine, similarity } from './quality-gate.js';
import { pick, seededRandom } from './random.js';
import { simulateCall } from './simulate.js';

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

  it('lets a listener acknowledge again and again while the other side speaks in parts', () => {
    const lines = call(
      'Hello, how can I help you today?',
      'My internet is down.',
      'Okay, I see the outage on your street.',
      'Mm-hm.',
      'A crew is on the way.',
      'Mm-hm.',
      'It should be back by noon.',
      'Okay.',
      'Anything else I can do?',
      'Mm-hm.',
    );
    for (let n = 1; n <= lines.length; n++) expect(assessCall(lines.slice(0, n))).toEqual({ ok: true });
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

  it('flags a line that says the same clause three times', () => {
    const lines = call(
      'Hello, how can I help you today?',
      'My bill doubled this month.',
      'I understand. I understand. I understand your concern, I understand.',
    );
    expect(assessCall(lines)).toMatchObject({
      ok: false,
      rule: 'repetition_in_line',
      turn: 2,
      detail: 'agent said "i understand" 3 times in one line',
    });
  });

  it('flags a line that echoes a clause straight after itself, or loops without punctuation', () => {
    const echo = call('Hello, how can I help?', 'Let me check that for you, let me check that for you.');
    expect(assessCall(echo)).toMatchObject({
      ok: false,
      rule: 'repetition_in_line',
      turn: 1,
      detail: 'customer said "let me check that for you" twice in a row',
    });
    const unpunctuated = call(
      'and I will look at it and I will look at it and I will look at it for you right away',
    );
    expect(assessCall(unpunctuated)).toMatchObject({ ok: false, rule: 'repetition_in_line' });
  });

  it('lets a line restate a clause with something added, or say "no, no, no"', () => {
    expect(
      assessCall(
        call(
          'The one on the page is K678. The one on the page is K678, shown at $12.00.',
          'No, no, no. That is not what I ordered, as I said, that is not what I ordered.',
          'The model on the page is X4475. The model on the page is X4475.',
        ),
      ),
    ).toEqual({ ok: true });
  });

  it('flags a customer whose line is mostly the agent line before it', () => {
    const lines = call(
      'Thanks, Dana. Could I have the account number on your bill, please?',
      'Could I have the account number on your bill?',
    );
    expect(assessCall(lines)).toMatchObject({ ok: false, rule: 'parrot', turn: 1 });
    expect(assessCall(lines)).toMatchObject({ detail: expect.stringMatching(/^customer repeated \d+% of/) });
  });

  it('lets a customer read back a detail or answer in the agent words', () => {
    const lines = call(
      'Just to confirm, is the service address 4 Elm Street in Springfield?',
      'Yes, that is right, 4 Elm Street.',
      'I see a $26.55 charge at Olson Diner on November 30th. Do you recognise it?',
      "No, I don't recognise the $26.55 charge at Olson Diner at all.",
    );
    for (let n = 1; n <= lines.length; n++) expect(assessCall(lines.slice(0, n))).toEqual({ ok: true });
  });

  it('does not count an agent repeating the customer as parroting', () => {
    const lines = call(
      'Hello, how can I help?',
      'The parcel left the Redding depot on January 28th.',
      'The parcel left the Redding depot on January 28th.',
    );
    expect(assessCall(lines)).toEqual({ ok: true });
  });

  it('flags no line of 300 scripted calls, and ends none of them as a loop', async () => {
    const personas = defaultPersonas();
    const random = seededRandom('quality-gate');
    const provider = new ScriptedLlmProvider();
    const flagged: string[] = [];
    const loops: string[] = [];
    let lines = 0;
    for (let i = 0; i < 300; i++) {
      const context = callContext({
        callId: `gate-${i}`,
        seed: `gate-${i}`,
        maxTurns: 24,
        customer: pick(random, personas.customers),
        agent: pick(random, personas.agents),
      });
      const call = await simulateCall(context, { agent: provider, customer: provider });
      if (call.state.end?.reason === 'loop_detected') loops.push(context.callId);
      call.lines.forEach((line, n) => {
        lines++;
        const before = call.lines[n - 1];
        if (repeatsWithinLine(line.text)) flagged.push(line.text);
        if (line.role === 'customer' && before && parrotShare(before.text, line.text) >= 0.7)
          flagged.push(line.text);
      });
    }
    expect(lines).toBeGreaterThan(3000);
    expect(flagged).toEqual([]);
    expect(loops).toEqual([]);
  }, 60_000);

  it('measures near-duplicates by shared word bigrams', () => {
    expect(similarity('please restart the router now', 'please restart the router now')).toBe(1);
    expect(similarity('please restart the router', 'what is your account number')).toBe(0);
  });
});
