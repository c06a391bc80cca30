/** A seedable random source: injected wherever randomness is needed, so one seed reproduces a run line for line. */
export interface Random {
  /** A float in [0, 1). */
  next(): number;
}

function hashSeed(seed: string): number {
  // FNV-1a: spreads neighbouring seeds ("call-1", "call-2", "1", "2") far apart.
  let h = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) {
    h ^= seed.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** mulberry32: small and fast; fine for dialogue variety, ids and simulated noise, never for secrets. */
export function seededRandom(seed: string | number): Random {
  let state = hashSeed(String(seed));
  return {
    next() {
      state = (state + 0x6d2b79f5) >>> 0;
      let t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    },
  };
}

/** An independent stream derived from a seed and a key, so adding one stream does not reshuffle another. */
export function derivedRandom(seed: string | number, key: string): Random {
  return seededRandom(`${seed}:${key}`);
}

export function pick<T>(random: Random, items: readonly T[]): T {
  if (items.length === 0) throw new RangeError('pick from an empty list');
  return items[Math.floor(random.next() * items.length)] as T;
}

export function chance(random: Random, probability: number): boolean {
  return random.next() < probability;
}

/** An integer in [min, max]. */
export function intBetween(random: Random, min: number, max: number): number {
  return min + Math.floor(random.next() * (max - min + 1));
}
