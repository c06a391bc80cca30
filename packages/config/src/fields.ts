import { z } from 'zod';

/**
 * Field builders for environment variables. Every input is a string; each builder validates and converts it, and
 * its messages describe the expected shape without echoing the value (it may be a secret).
 */

export interface IntOptions {
  min?: number;
  max?: number;
}

export function envInt({ min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER }: IntOptions = {}) {
  return z
    .string()
    .trim()
    .regex(/^[+-]?\d+$/, 'must be an integer')
    .transform(Number)
    .pipe(z.number().int().min(min, `must be an integer >= ${min}`).max(max, `must be an integer <= ${max}`));
}

/** A TCP port; 0 asks the OS for a free one. */
export function envPort() {
  return envInt({ min: 0, max: 65_535 });
}

const TRUE_WORDS = ['true', '1', 'yes', 'on'];
const FALSE_WORDS = ['false', '0', 'no', 'off'];

export function envBoolean() {
  return z
    .string()
    .trim()
    .toLowerCase()
    .refine((v) => TRUE_WORDS.includes(v) || FALSE_WORDS.includes(v), {
      message: `must be a boolean (${[...TRUE_WORDS, ...FALSE_WORDS].join('|')})`,
    })
    .transform((v) => TRUE_WORDS.includes(v));
}

const DURATION_UNITS_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 } as const;
const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/;

/** A duration such as `250ms`, `5s`, `2m`, `1h`, or a bare number of milliseconds; parsed to milliseconds. */
export function envDurationMs() {
  return z
    .string()
    .trim()
    .regex(DURATION, 'must be a duration such as 500ms, 5s, 2m, 1h (a bare number means milliseconds)')
    .transform((v) => {
      const [, amount, unit] = DURATION.exec(v) ?? [];
      return Math.round(Number(amount) * DURATION_UNITS_MS[(unit ?? 'ms') as keyof typeof DURATION_UNITS_MS]);
    });
}

export interface UrlOptions {
  /** Allowed schemes without the colon; defaults to http and https. */
  protocols?: readonly string[];
}

export function envUrl({ protocols = ['http', 'https'] }: UrlOptions = {}) {
  return z
    .string()
    .trim()
    .refine(
      (v) => {
        if (!URL.canParse(v)) return false;
        return protocols.includes(new URL(v).protocol.replace(/:$/, ''));
      },
      { message: `must be an absolute ${protocols.join('/')} URL` },
    );
}

/** A comma-separated list; entries are trimmed and empty entries dropped. */
export function envList(item: z.ZodType<string, string> = z.string(), { min = 1 }: { min?: number } = {}) {
  return z
    .string()
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== ''),
    )
    .pipe(z.array(item).min(min, `must be a comma-separated list of at least ${min} item(s)`));
}

export function envEnum<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, { message: `must be one of ${values.join('|')}` });
}
