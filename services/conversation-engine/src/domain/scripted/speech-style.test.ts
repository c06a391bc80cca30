import { describe, expect, it } from 'vitest';
import { seededRandom } from '../random.js';
import { styleLine } from './speech-style.js';

describe('styleLine fillers and contractions', () => {
  it('puts no filler before an object pronoun or after an auxiliary, and contracts no verb at a clause end', () => {
    const line =
      'I want it done properly, and I bought the tent. Which day did the charge appear? There you are.';
    for (let seed = 0; seed < 300; seed++) {
      const styled = styleLine(line, seededRandom(`fill-${seed}`), {
        fillers: ['um', 'you know'],
        fillerRate: 1,
        swapRate: 1,
        keep: [],
      });
      expect(styled).not.toMatch(/want, (um|you know), it/);
      expect(styled).not.toMatch(/did, (um|you know), the/);
      expect(styled).not.toMatch(/There you're/);
    }
  });
});

describe('styleLine phrasing swaps', () => {
  it('never turns a phrase into one that breaks the sentence around it', () => {
    // Each of these came out of the scripted calls before the swap groups were pruned.
    const lines = [
      'When would you need the money? Let me know if it changes.',
      'Thank you so much. While we are on the line, is there something else?',
      'Could you update the new address? Four of the plates arrived broken.',
      'I need it as soon as possible, so please fix it today.',
      'What is the account number on the bill?',
    ];
    const wrong = [
      /can you need/i,
      /will you need/i,
      /allow me to know/i,
      /thanks a lot so much/i,
      /many thanks so much/i,
      /recent address/i,
      /are with me/i,
      /plates arrived not working/i,
      /\bquickly as possible/i,
      /sort out it/i,
      /if you could fix/i,
      // An agent asking about the caller's bill must not call it 'my bill'.
      /on my bill/i,
    ];
    for (let seed = 0; seed < 300; seed++)
      for (const line of lines) {
        const styled = styleLine(line, seededRandom(`swap-${seed}`), {
          fillers: [],
          fillerRate: 0,
          swapRate: 1,
          keep: [],
        });
        for (const pattern of wrong) expect(styled).not.toMatch(pattern);
      }
  });
});
