import { describe, expect, it } from 'vitest';
import { chance, derivedRandom, intBetween, pick, seededRandom } from './index.js';

const draws = (seed: string | number, n = 5) => {
  const r = seededRandom(seed);
  return Array.from({ length: n }, () => r.next());
};

describe('seededRandom', () => {
  it('gives the same sequence for the same seed, and a number seed equals its string', () => {
    expect(draws('call-1')).toEqual(draws('call-1'));
    expect(draws(42)).toEqual(draws('42'));
  });

  it('spreads neighbouring seeds apart and stays in [0, 1)', () => {
    const a = draws('call-1', 200);
    const b = draws('call-2', 200);
    expect(a).not.toEqual(b);
    for (const x of [...a, ...b]) expect(x >= 0 && x < 1).toBe(true);
  });

  it('keeps the sequences the engine and twilio-sim produced before they shared it (a change reshuffles every run)', () => {
    // Printed by the engine's and twilio-sim's own copies of this generator before they were replaced by this one.
    const r = seededRandom('synthcall');
    expect([r.next(), r.next()]).toEqual([0.0754504818469286, 0.7311173416674137]);
    expect(derivedRandom(7, 'leg').next()).toBe(0.5646514191757888);
  });
});

describe('helpers', () => {
  it('derive independent streams per key, pick from a list, draw integers in range and chances', () => {
    expect(derivedRandom('s', 'a').next()).not.toBe(derivedRandom('s', 'b').next());
    expect(derivedRandom('s', 'a').next()).toBe(seededRandom('s:a').next());
    const r = seededRandom('helpers');
    for (let i = 0; i < 100; i++) {
      expect(['x', 'y']).toContain(pick(r, ['x', 'y']));
      const n = intBetween(r, 3, 5);
      expect(n >= 3 && n <= 5).toBe(true);
    }
    expect(chance(r, 0)).toBe(false);
    expect(chance(r, 1)).toBe(true);
    expect(() => pick(r, [])).toThrow(RangeError);
  });
});
