import { spokenForm } from '@synthcall/spoken-form';

/**
 * Word tokens of a line, lower case, punctuation around them dropped (inner apostrophes and hyphens kept). One
 * definition for the report's realism measures and the scripted caller's paraphrase, which must count a persona's
 * words exactly as the measure does.
 */
export function wordTokens(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/[‘’]/g, "'")
    .split(/\s+/)
    .map((w) => w.replace(/^[^\p{L}\p{N}$]+|[^\p{L}\p{N}]+$/gu, ''))
    .filter((w) => /[\p{L}\p{N}]/u.test(w));
}

/**
 * A word-level alignment of what was said with what a recogniser wrote (minimum edit distance): its errors
 * (substitutions, deletions and insertions) and the substituted pairs in order.
 */
export function alignWords(
  said: readonly string[],
  heard: readonly string[],
): { errors: number; substitutions: Array<[string, string]> } {
  const n = said.length;
  const m = heard.length;
  const d: number[][] = Array.from({ length: n + 1 }, (_, i) =>
    Array.from({ length: m + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number) => d[i]?.[j] ?? Number.POSITIVE_INFINITY;
  for (let i = 1; i <= n; i++)
    for (let j = 1; j <= m; j++) {
      const row = d[i] as number[];
      row[j] = Math.min(
        at(i - 1, j) + 1,
        at(i, j - 1) + 1,
        at(i - 1, j - 1) + (said[i - 1] === heard[j - 1] ? 0 : 1),
      );
    }
  const out: Array<[string, string]> = [];
  let i = n;
  let j = m;
  while (i > 0 && j > 0) {
    const same = said[i - 1] === heard[j - 1];
    if (at(i, j) === at(i - 1, j - 1) + (same ? 0 : 1)) {
      if (!same) out.push([said[i - 1] as string, heard[j - 1] as string]);
      i--;
      j--;
    } else if (at(i, j) === at(i - 1, j) + 1) i--;
    else j--;
  }
  return { errors: at(n, m), substitutions: out.reverse() };
}

/** A recogniser's errors on one line: the words said and the word errors of what it wrote. */
export interface WordErrors {
  words: number;
  errors: number;
}

/**
 * The words of a line as a recogniser writes them when it hears them right: its figures in words ("TC-88213007" →
 * "t c dash eight eight…", `@synthcall/spoken-form`). What was said is compared with what was heard in these.
 */
export function spokenWords(said: string): string[] {
  return wordTokens(spokenForm(said));
}

/** The recogniser's word errors on one line, counted over the `spokenWords` of what was said and what it wrote. */
export function wordErrors(said: string, heard: string): WordErrors {
  const words = spokenWords(said);
  return { words: words.length, errors: alignWords(words, wordTokens(heard)).errors };
}

/**
 * Word error rate over lines: all their errors over all the words said (not a mean of per-line rates, which would
 * weigh a misheard "okay" like a misheard 20-word line); null when nothing was said.
 */
export function wordErrorRate(lines: readonly WordErrors[]): number | null {
  let words = 0;
  let errors = 0;
  for (const l of lines) {
    words += l.words;
    errors += l.errors;
  }
  return words === 0 ? null : errors / words;
}
