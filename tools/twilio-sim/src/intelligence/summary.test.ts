import { describe, expect, it } from 'vitest';
import { conversation, PARTICIPANTS } from './fixtures.test-support.js';
import { summarize } from './summary.js';

const CALL = conversation([
  [2, 'Hello, thanks for calling.'],
  [1, 'Hi.'],
  [1, 'My internet connection keeps dropping every evening and the router restarts by itself.'],
  [2, 'I am sorry to hear that, let me run a line test on your router.'],
  [2, 'The line test shows the router firmware is out of date, I am pushing an update to the router now.'],
  [1, 'Okay.'],
  [2, 'The router update is done, your connection should stay stable now.'],
  [1, 'Great, thanks, bye.'],
]);

describe('summarize', () => {
  it("keeps the customer's first substantive line, the reason for calling", () => {
    const result = summarize(CALL, PARTICIPANTS);
    expect(result.sentenceIndices).toContain(2);
    expect(result.text).toContain('Customer: My internet connection keeps dropping');
  });

  it('leaves out greetings and fillers', () => {
    const result = summarize(CALL, PARTICIPANTS);
    for (const skipped of [0, 1, 5, 7]) expect(result.sentenceIndices).not.toContain(skipped);
  });

  it('puts the chosen sentences in call order with roles, within the limit', () => {
    const result = summarize(CALL, PARTICIPANTS, { maxSentences: 3 });
    expect(result.sentenceIndices).toHaveLength(3);
    expect([...result.sentenceIndices].sort((a, b) => a - b)).toEqual(result.sentenceIndices);
    expect(result.text).toMatch(/^Customer: .+ Agent: .+/);
  });

  it('is empty for a call with nothing said', () => {
    expect(summarize(conversation([[1, 'Hello?']]), PARTICIPANTS)).toEqual({ text: '', sentenceIndices: [] });
  });
});
