import { describe, expect, it } from 'vitest';
import { parseFindings, summarise } from './summary.js';

describe('grammar findings summary', () => {
  const lines = ['It has never took place before.', 'This is for a ultrasound with Dr. Quigley.'];
  const output = [
    '0\tHAVE_PART_AGREEMENT\tGrammar\t13\t17\ttaken',
    '1\tEN_A_VS_AN\tMiscellaneous\t12\t13\tan',
    '1\tMORFOLOGIK_RULE_EN_US\tPossible Typo\t34\t41\tQuigley',
    'SLF4J: No SLF4J providers were found.',
  ].join('\n');

  it('parses the checker output and skips what is not a finding', () => {
    expect(parseFindings(output).map((f) => f.rule)).toEqual([
      'HAVE_PART_AGREEMENT',
      'EN_A_VS_AN',
      'MORFOLOGIK_RULE_EN_US',
    ]);
  });

  it('groups by rule, leaves out spelling by default and shows each finding in its line', () => {
    const summary = summarise(parseFindings(output), lines);
    expect(summary.map((s) => [s.rule, s.count])).toEqual([
      ['EN_A_VS_AN', 1],
      ['HAVE_PART_AGREEMENT', 1],
    ]);
    expect(summary[1]?.examples[0]).toBe('…It has never [took] place before.… → taken');
  });

  it('keeps every rule when asked to ignore none', () => {
    expect(summarise(parseFindings(output), lines, { ignore: [] })).toHaveLength(3);
  });
});
