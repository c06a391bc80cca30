import { describe, expect, it } from 'vitest';
import { classifyCallReason, classifyTexts, trainCallReasonModel } from './call-reason.js';
import { CALL_REASON_CORPUS, CALL_REASONS } from './call-reason-corpus.js';
import { conversation, PARTICIPANTS } from './fixtures.test-support.js';

/** Phrasings that are not in the corpus: the classifier must generalise to them, not memorise. */
const HELD_OUT: ReadonlyArray<readonly [string, string]> = [
  ['billing', "I'm looking at my statement and you've charged me twice for the same month."],
  ['technical_support', "My laptop won't connect to the wifi anymore, the connection keeps failing."],
  ['order_status', "I placed an order ten days ago and it hasn't shown up yet."],
  ['refund', "I sent the shoes back and I'm still waiting for my money."],
  ['cancellation', "I'd like to end my contract and close the account."],
  ['account_access', "I can't get into my account, it keeps saying the password is incorrect."],
  ['fraud', "There's a purchase on my card from a store I've never been to."],
  ['booking_change', 'I need to move my reservation from Friday to Sunday.'],
  ['outage', 'Our whole neighbourhood has no power right now.'],
  ['plan_change', "I'd like more data on my plan, can I upgrade?"],
];

describe('classifyCallReason', () => {
  it('classifies a billing complaint as billing', () => {
    const result = classifyCallReason(
      conversation([
        [2, 'Thanks for calling, how can I help?'],
        [1, 'Hi, I was charged twice on my bill this month and the amount is way higher than usual.'],
        [2, 'I am sorry to hear that, let me look at your statement.'],
        [1, 'Please do, I want the duplicate charge removed.'],
      ]),
      PARTICIPANTS,
    );
    expect(result.label).toBe('billing');
    expect(result.probability).toBeGreaterThan(0.5);
  });

  it.each(HELD_OUT)('classifies an unseen %s phrasing correctly', (label, text) => {
    expect(classifyTexts([{ text, weight: 1 }]).label).toBe(label);
  });

  it('lets the customer outweigh the agent', () => {
    const result = classifyCallReason(
      conversation([
        [2, 'I can also help with password resets and login problems if you need.'],
        [1, 'No, someone used my credit card for purchases I never made, I think it was stolen.'],
      ]),
      PARTICIPANTS,
    );
    expect(result.label).toBe('fraud');
  });

  it('answers other when nothing in the call is known to the model', () => {
    const result = classifyCallReason(conversation([[1, 'Hmm. Yes. Okay.']]), PARTICIPANTS);
    expect(result).toMatchObject({ label: 'other', knownFeatures: 0 });
  });

  it('gives a probability for every label, summing to one', () => {
    const result = classifyTexts([{ text: 'I cannot log in to my account.', weight: 1 }]);
    expect(Object.keys(result.probabilities).sort()).toEqual([...CALL_REASONS].sort());
    expect(Object.values(result.probabilities).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 3);
  });

  it('learns from the corpus it is given', () => {
    const swapped = {
      ...CALL_REASON_CORPUS,
      billing: CALL_REASON_CORPUS.outage,
      outage: CALL_REASON_CORPUS.billing,
    };
    const model = trainCallReasonModel(swapped);
    expect(classifyTexts([{ text: 'I was charged twice on my bill.', weight: 1 }], model).label).toBe(
      'outage',
    );
  });
});
