import { describe, expect, it } from 'vitest';
import { alignWords, wordErrorRate, wordErrors } from './words.js';

describe('word errors', () => {
  it('counts substitutions, deletions and insertions of the best alignment, and lists the substitutions', () => {
    expect(
      alignWords(
        ['my', 'card', 'was', 'charged', 'today'],
        ['my', 'car', 'was', 'charged', 'twice', 'today'],
      ),
    ).toEqual({
      errors: 2,
      substitutions: [['card', 'car']],
    });
  });

  it('counts a word left out as one error', () => {
    expect(alignWords(['my', 'card', 'was'], ['my', 'was']).errors).toBe(1);
  });

  it('counts words as the realism measures do: case and punctuation do not make an error', () => {
    expect(wordErrors('Yes, that is right.', 'yes that is right')).toEqual({ words: 4, errors: 0 });
    expect(wordErrors('Yes, that is right.', '')).toEqual({ words: 4, errors: 4 });
  });

  it('weighs every word alike over several lines, and has no rate when nothing was said', () => {
    expect(
      wordErrorRate([
        { words: 1, errors: 1 },
        { words: 9, errors: 0 },
      ]),
    ).toBe(0.1);
    expect(wordErrorRate([])).toBeNull();
    expect(wordErrorRate([{ words: 0, errors: 2 }])).toBeNull();
  });
});
