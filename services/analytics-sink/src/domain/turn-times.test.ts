import { describe, expect, it } from 'vitest';
import { turnTimes } from './dataset.js';

const s = (role: string | null, startSec: number, endSec: number, text: string) => ({
  role,
  startSec,
  endSec,
  text,
});
const agent = (text: string) => ({ role: 'agent', text });
const customer = (text: string) => ({ role: 'customer', text });

describe("turn times from the recording's sentences", () => {
  it("spans each turn's sentences, from its first start to its last end", () => {
    const turns = [
      agent('Thanks for calling. How can I help?'),
      customer('My card was charged twice.'),
      agent('Let me look.'),
    ];
    const sentences = [
      s('agent', 0, 2, 'Thanks for calling.'),
      s('agent', 2.5, 4, 'How can I help?'),
      s('customer', 5, 6, 'My card was charged twice.'),
      s('agent', 7, 9, 'Let me look.'),
    ];
    expect(turnTimes(turns, sentences)).toEqual([
      { startSec: 0, endSec: 4 },
      { startSec: 5, endSec: 6 },
      { startSec: 7, endSec: 9 },
    ]);
  });

  it('orders sentences by start, and times no turn the recording does not hold', () => {
    const turns = [agent('Hello there.'), customer('Hi, my bill is wrong.'), agent('I see.')];
    expect(
      turnTimes(turns, [s('customer', 5, 6, 'Hi, my bill is wrong.'), s('agent', 0, 2, 'Hello there.')]),
    ).toEqual([{ startSec: 0, endSec: 2 }, { startSec: 5, endSec: 6 }, undefined]);
  });

  it('leaves out sentences of no known role', () => {
    const turns = [agent('Hello.'), customer('Hi.')];
    expect(
      turnTimes(turns, [s(null, 0, 1, 'Hello.'), s('agent', 1, 2, 'Hello.'), s('customer', 3, 4, 'Hi.')]),
    ).toEqual([
      { startSec: 1, endSec: 2 },
      { startSec: 3, endSec: 4 },
    ]);
  });

  it("gives a turn the recogniser heard as nothing no time, and its neighbours their own (not each other's)", () => {
    // The agent's "Okay." was lost: the customer's two turns now sit next to each other in the sentences. Matched by
    // position they would be one run, the agent's next turn would take the customer's second line's time, and so on.
    const turns = [
      customer('I want to cancel my subscription.'),
      agent('Okay.'),
      customer('It renews on the fifth of March.'),
      agent('I can cancel it today for you.'),
      customer('Thank you.'),
    ];
    const sentences = [
      s('customer', 0, 3, 'I want to cancel my subscription.'),
      s('customer', 4, 7, 'It renews on the fifth of march.'),
      s('agent', 8, 10, 'I can cancel it today for you.'),
      s('customer', 11, 12, 'Thank you.'),
    ];
    expect(turnTimes(turns, sentences)).toEqual([
      { startSec: 0, endSec: 3 },
      undefined,
      { startSec: 4, endSec: 7 },
      { startSec: 8, endSec: 10 },
      { startSec: 11, endSec: 12 },
    ]);
  });

  it('places a sentence the recogniser garbled between its neighbours, on a turn of its role', () => {
    const turns = [
      agent('Can I have your account number?'),
      customer('Sure.'),
      agent('Thank you, one moment.'),
    ];
    const sentences = [
      s('agent', 0, 2, 'Can I have your account number?'),
      s('customer', 3, 4, 'Shore.'),
      s('agent', 5, 7, 'Thank you, one moment.'),
    ];
    expect(turnTimes(turns, sentences)).toEqual([
      { startSec: 0, endSec: 2 },
      { startSec: 3, endSec: 4 },
      { startSec: 5, endSec: 7 },
    ]);
  });

  it('never puts a sentence on a turn of the other role, even one of the same words', () => {
    expect(turnTimes([agent('Hello.')], [s('customer', 0, 1, 'Hello.')])).toEqual([undefined]);
  });
});
