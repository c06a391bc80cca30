/** A seedable random source: the sim's only source of randomness, so one seed reproduces a whole run. */
export interface Random {
  /** A float in [0, 1). */
  next(): number;
}

function hashSeed(seed: string): number {
  // FNV-1a: spreads short seeds like "1" and "2" far apart.
  let h = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) {
    h ^= seed.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** mulberry32: tiny, fast and good enough for ids and simulated noise (not for secrets). */
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

/** An independent stream derived from a seed and a key, so adding calls does not reshuffle another call's noise. */
export function derivedRandom(seed: string | number, key: string): Random {
  return seededRandom(`${seed}:${key}`);
}
