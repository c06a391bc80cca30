import { createHash } from 'node:crypto';

/** A source of uniform numbers in [0, 1), like `Math.random`. Everything random in the sim takes one of these. */
export type Random = () => number;

/**
 * A seeded PRNG (sfc32): the same seed always yields the same sequence, on every platform.
 * The seed is hashed with SHA-256 so that near seeds ("call-1", "call-2") give unrelated streams.
 */
export function createRandom(seed: string | number): Random {
  const digest = createHash('sha256')
    .update(`twilio-sim:${String(seed)}`)
    .digest();
  let a = digest.readUInt32LE(0);
  let b = digest.readUInt32LE(4);
  let c = digest.readUInt32LE(8);
  let d = digest.readUInt32LE(12);
  const next: Random = () => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    let t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    t = (t + d) | 0;
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  // The first outputs of sfc32 are still correlated with the seed bytes; discard them.
  for (let i = 0; i < 12; i += 1) next();
  return next;
}

/** An integer in [min, max] (both inclusive). */
export function randomInt(random: Random, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

/** One element of a non-empty list. */
export function pick<T>(random: Random, items: readonly T[]): T {
  const item = items[Math.floor(random() * items.length)];
  if (item === undefined) throw new RangeError('pick() needs a non-empty list');
  return item;
}

/** `length` lowercase hex digits, e.g. for Twilio SIDs: `'CA' + randomHex(random, 32)`. */
export function randomHex(random: Random, length: number): string {
  let out = '';
  for (let i = 0; i < length; i += 1) out += Math.floor(random() * 16).toString(16);
  return out;
}
