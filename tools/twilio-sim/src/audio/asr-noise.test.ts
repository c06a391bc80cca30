import { words as popularWords } from 'popular-english-words/words.js';
import { describe, expect, it } from 'vitest';
import { applyAsrNoise } from './asr-noise.js';
import { createRandom } from './random.js';

const LINE =
  'Hi, I am calling because I was charged twice for my internet bill this month and I would like a refund for the extra charge please';
const WORDS = LINE.split(' ').length;

function errors(r: { substitutions: number; deletions: number; insertions: number }): number {
  return r.substitutions + r.deletions + r.insertions;
}

describe('applyAsrNoise', () => {
  it('returns the text unchanged with high confidence when the error rate is zero', () => {
    const result = applyAsrNoise(LINE, { wordErrorRate: 0, random: createRandom('clean') });
    expect(result.heard).toBe(LINE);
    expect(errors(result)).toBe(0);
    expect(result.confidence).toBeGreaterThan(0.85);
  });

  it('is deterministic for the same seed', () => {
    const a = applyAsrNoise(LINE, { wordErrorRate: 0.2, random: createRandom('s') });
    const b = applyAsrNoise(LINE, { wordErrorRate: 0.2, random: createRandom('s') });
    expect(a).toEqual(b);
  });

  it('makes errors close to the requested rate on each utterance', () => {
    for (const seed of ['a', 'b', 'c', 'd']) {
      const result = applyAsrNoise(LINE, { wordErrorRate: 0.2, random: createRandom(seed) });
      expect(Math.abs(errors(result) - 0.2 * WORDS)).toBeLessThanOrEqual(1);
      expect(result.heard).not.toBe(LINE);
    }
  });

  it('averages the requested rate over many utterances', () => {
    const random = createRandom('average');
    let total = 0;
    for (let i = 0; i < 200; i += 1)
      total += errors(applyAsrNoise('yes that is right', { wordErrorRate: 0.1, random }));
    const realised = total / (200 * 4);
    expect(realised).toBeGreaterThan(0.07);
    expect(realised).toBeLessThan(0.13);
  });

  it('uses every kind of error', () => {
    const random = createRandom('kinds');
    const sum = { substitutions: 0, deletions: 0, insertions: 0 };
    for (let i = 0; i < 30; i += 1) {
      const r = applyAsrNoise(LINE, { wordErrorRate: 0.3, random });
      sum.substitutions += r.substitutions;
      sum.deletions += r.deletions;
      sum.insertions += r.insertions;
    }
    expect(sum.substitutions).toBeGreaterThan(sum.deletions);
    expect(sum.deletions).toBeGreaterThan(0);
    expect(sum.insertions).toBeGreaterThan(0);
  });

  it('substitutes plausible words: homophones and confused digits', () => {
    const homophone = applyAsrNoise('two', { wordErrorRate: 1, random: () => 0.1 });
    expect(['to', 'too']).toContain(homophone.heard);
    const digits = applyAsrNoise('48213', { wordErrorRate: 1, random: () => 0.1 });
    expect(digits.heard).toMatch(/^\d{5}$/);
    expect(digits.heard).not.toBe('48213');
  });

  it('takes a word for another real word, never a made-up form', () => {
    const vocabulary = new Set(popularWords.slice(0, 50_000));
    for (const word of ['heater', 'winter', 'calling', 'please', 'month', 'you', 'with', 'have']) {
      for (const r of [0.1, 0.3, 0.5]) {
        const heard = applyAsrNoise(word, { wordErrorRate: 1, random: () => r }).heard;
        expect(heard).not.toBe(word);
        expect(vocabulary.has(heard), `${word} → ${heard}`).toBe(true);
      }
    }
  });

  it('mishears names and numbers more often than common words', () => {
    const random = createRandom('where');
    let rare = 0;
    let common = 0;
    for (let i = 0; i < 300; i += 1) {
      const heard = applyAsrNoise('so my name is Jerome and it is 48213 thanks', {
        wordErrorRate: 0.1,
        random,
      }).heard;
      if (!heard.includes('Jerome')) rare += 1;
      if (!heard.includes('48213')) rare += 1;
      if (!/\bname is\b/.test(heard)) common += 1;
    }
    // Two rare tokens against two common ones: a uniform choice would make these about equal.
    expect(rare).toBeGreaterThan(2 * common);
  });

  it('keeps punctuation and capitals around a substituted word', () => {
    const result = applyAsrNoise('Two,', { wordErrorRate: 1, random: () => 0.1 });
    expect(result.heard).toMatch(/^T[a-z]+,$/);
  });

  it('lowers confidence as the error rate rises', () => {
    const mean = (wer: number) => {
      const random = createRandom(`conf-${wer}`);
      let sum = 0;
      for (let i = 0; i < 40; i += 1) sum += applyAsrNoise(LINE, { wordErrorRate: wer, random }).confidence;
      return sum / 40;
    };
    const clean = mean(0);
    const noisy = mean(0.15);
    const bad = mean(0.4);
    expect(clean).toBeGreaterThan(noisy);
    expect(noisy).toBeGreaterThan(bad);
    expect(bad).toBeGreaterThan(0);
    expect(clean).toBeLessThanOrEqual(1);
  });

  it('hears nothing in empty speech', () => {
    expect(applyAsrNoise('   ', { wordErrorRate: 0.5, random: createRandom('e') })).toEqual({
      heard: '',
      confidence: 0,
      substitutions: 0,
      deletions: 0,
      insertions: 0,
    });
  });
});
