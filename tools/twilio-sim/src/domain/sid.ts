import type { Random } from './random.js';

/** Two-letter prefixes Twilio uses for the resources the sim serves. */
export type SidPrefix = 'AC' | 'CA' | 'CF' | 'RE' | 'PN' | 'AP' | 'NO' | 'GA' | 'GT' | 'GX' | 'LY' | 'EY';

const SID_PATTERN = /^[A-Z]{2}[0-9a-f]{32}$/;

/** A SID in Twilio's format: prefix + 32 lowercase hex digits, drawn from the injected random source. */
export function newSid(prefix: SidPrefix, random: Random): string {
  let hex = '';
  for (let i = 0; i < 32; i++) hex += Math.floor(random.next() * 16).toString(16);
  return `${prefix}${hex}`;
}

export function isSid(value: string, prefix?: SidPrefix): boolean {
  return SID_PATTERN.test(value) && (prefix === undefined || value.startsWith(prefix));
}
