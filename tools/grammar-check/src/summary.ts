// Groups LanguageTool's findings (one tab-separated line per finding from GrammarCheck.java) by rule, so a maintainer
// sees which slips the scripted dialogue makes most, with an example of each in context.

export interface Finding {
  line: number;
  rule: string;
  category: string;
  from: number;
  to: number;
  suggestion: string;
}

export interface RuleSummary {
  rule: string;
  category: string;
  count: number;
  /** Up to `examples` findings in context: "…text [flagged] text…" → suggestion. */
  examples: string[];
}

/** Spelling (names are "misspelt") and style rules that flag speech on purpose; `--all` keeps them. */
export const DEFAULT_IGNORED = [
  'MORFOLOGIK_RULE_EN_US',
  'ENGLISH_WORD_REPEAT_BEGINNING_RULE',
  'COMMA_COMPOUND_SENTENCE',
  'COMMA_COMPOUND_SENTENCE_2',
  'EXTREME_ADJECTIVES',
  'INTERJECTIONS_PUNCTUATION',
];

export function parseFindings(output: string): Finding[] {
  return output
    .split('\n')
    .filter((l) => /^\d+\t/.test(l))
    .map((l) => {
      const [line = '0', rule = '', category = '', from = '0', to = '0', suggestion = ''] = l.split('\t');
      return { line: Number(line), rule, category, from: Number(from), to: Number(to), suggestion };
    });
}

export function summarise(
  findings: readonly Finding[],
  lines: readonly string[],
  options: { ignore?: readonly string[]; examples?: number } = {},
): RuleSummary[] {
  const ignore = new Set(options.ignore ?? DEFAULT_IGNORED);
  const byRule = new Map<string, RuleSummary>();
  for (const f of findings) {
    if (ignore.has(f.rule)) continue;
    const summary = byRule.get(f.rule) ?? { rule: f.rule, category: f.category, count: 0, examples: [] };
    summary.count++;
    if (summary.examples.length < (options.examples ?? 3)) {
      const text = lines[f.line] ?? '';
      const context = `…${text.slice(Math.max(0, f.from - 30), f.from)}[${text.slice(f.from, f.to)}]${text.slice(f.to, f.to + 30)}…`;
      summary.examples.push(f.suggestion ? `${context} → ${f.suggestion}` : context);
    }
    byRule.set(f.rule, summary);
  }
  return [...byRule.values()].sort((a, b) => b.count - a.count || a.rule.localeCompare(b.rule));
}
