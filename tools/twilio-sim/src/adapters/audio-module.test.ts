import { seededRandom } from '@synthcall/random';
import { describe, expect, it } from 'vitest';
import { audioRecognizer } from './audio-module.js';

describe('the sim recogniser', () => {
  it('writes what it hears in words, ids digit by digit', () => {
    const { heard } = audioRecognizer.recognize('My account is TC-88213007 and I paid $35.', {
      wordErrorRate: 0,
      random: seededRandom('words'),
    });
    expect(heard).toBe(
      'My account is T C dash eight eight two one three zero zero seven and I paid thirty five dollars.',
    );
  });

  it('mishears an id as other digits or one digit fewer, never as digits written out', () => {
    const digitWords = /^(zero|one|two|three|four|five|six|seven|eight|nine)$/;
    let misheard = 0;
    for (let i = 0; i < 200; i++) {
      const { heard } = audioRecognizer.recognize('It is 40718823.', {
        wordErrorRate: 0.3,
        random: seededRandom(`id-${i}`),
      });
      expect(heard).not.toMatch(/\d/);
      const words = heard.replace(/\.$/, '').split(' ');
      const id = words.slice(words.findIndex((w) => digitWords.test(w)));
      if (id.join(' ') !== 'four zero seven one eight eight two three') {
        misheard++;
        expect(
          id.every((w) => digitWords.test(w)),
          heard,
        ).toBe(true);
      }
    }
    expect(misheard).toBeGreaterThan(20);
  });
});
