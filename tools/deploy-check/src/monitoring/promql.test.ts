import { describe, expect, it } from 'vitest';
import { isExported, metricNames, withFixedRanges } from './promql.js';

describe('metricNames', () => {
  it('finds the selected metric inside functions, grouping clauses, matchers and ranges', () => {
    const expr =
      'histogram_quantile(0.99, sum by (le, route) (rate(synthcall_webhook_duration_seconds_bucket{status=~"5..", route!="x y"}[$__rate_interval])))';
    expect(metricNames(expr)).toEqual(['synthcall_webhook_duration_seconds_bucket']);
  });

  it('finds both sides of a binary operation and ignores keywords and label names', () => {
    const expr =
      'sum by (topic) (a_total) / on (topic) group_left (group) sum without (pod) (b_total) > bool 0 and c';
    expect(metricNames(expr).sort()).toEqual(['a_total', 'b_total', 'c']);
  });
});

describe('isExported', () => {
  const families = new Map([
    ['synthcall_turn_duration_seconds', 'histogram'],
    ['synthcall_dead_letters_total', 'counter'],
  ]);

  it('accepts registered families, their histogram series and kafka-exporter names', () => {
    expect(isExported('synthcall_dead_letters_total', families)).toBe(true);
    expect(isExported('synthcall_turn_duration_seconds_bucket', families)).toBe(true);
    expect(isExported('kafka_consumergroup_lag', families)).toBe(true);
  });

  it('rejects unknown names and _bucket series of counters', () => {
    expect(isExported('synthcall_dead_letter_total', families)).toBe(false);
    expect(isExported('synthcall_dead_letters_total_bucket', families)).toBe(false);
  });
});

describe('withFixedRanges', () => {
  it("replaces Grafana's range variables so promtool can parse the query", () => {
    expect(withFixedRanges('rate(x[$__rate_interval]) + increase(y[$__range])')).toBe(
      'rate(x[5m]) + increase(y[1h])',
    );
  });
});
