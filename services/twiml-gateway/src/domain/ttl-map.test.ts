import { describe, expect, it } from 'vitest';
import { TtlMap } from './ttl-map.js';

describe('TtlMap', () => {
  it('forgets an entry once its TTL has passed since the last write', () => {
    let now = 0;
    const map = new TtlMap<string>(100, () => now);
    map.set('a', 'first');
    now = 60;
    map.set('a', 'second');
    now = 120;
    expect(map.get('a')).toBe('second');
    now = 160;
    expect(map.get('a')).toBeUndefined();
  });

  it('sweeps expired entries on write so memory stays bounded', () => {
    let now = 0;
    const map = new TtlMap<number>(10, () => now);
    for (let i = 0; i < 5; i++) map.set(`k${i}`, i);
    now = 20;
    map.set('fresh', 1);
    expect(map.size).toBe(1);
  });
});
