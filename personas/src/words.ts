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
