import { describe, expect, it } from 'vitest';
import { createRandom, pick, randomHex, randomInt } from './random.js';

function take(random: () => number, n: number): number[] {
  return Array.from({ length: n }, () => random());
}

describe('createRandom', () => {
  it('repeats the same sequence for the same seed', () => {
    expect(take(createRandom('call-42'), 20)).toEqual(take(createRandom('call-42'), 20));
    expect(take(createRandom(7), 5)).toEqual(take(createRandom(7), 5));
  });

  it('gives different sequences for near seeds', () => {
    expect(take(createRandom('call-1'), 5)).not.toEqual(take(createRandom('call-2'), 5));
  });

  it('stays in [0, 1) and is roughly uniform', () => {
    const values = take(createRandom('uniform'), 4000);
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(1);
    const buckets = [0, 0, 0, 0];
    for (const v of values) buckets[Math.floor(v * 4)] = (buckets[Math.floor(v * 4)] ?? 0) + 1;
    for (const count of buckets) expect(count).toBeGreaterThan(850);
  });
});

describe('helpers', () => {
  it('randomInt covers both bounds and nothing outside', () => {
    const random = createRandom('ints');
    const seen = new Set(Array.from({ length: 200 }, () => randomInt(random, 1, 3)));
    expect([...seen].sort()).toEqual([1, 2, 3]);
  });

  it('pick returns list members and rejects an empty list', () => {
    const random = createRandom('pick');
    expect(['a', 'b']).toContain(pick(random, ['a', 'b']));
    expect(() => pick(random, [])).toThrow(RangeError);
  });

  it('randomHex builds a Twilio-shaped SID body', () => {
    expect(`CA${randomHex(createRandom('sid'), 32)}`).toMatch(/^CA[0-9a-f]{32}$/);
  });
});
