import { describe, expect, it } from 'vitest';
import { checkPanels, type Evaluate, metricsWithoutSeries } from './panel-data.js';
import { metricNames } from './promql.js';

// A fake Prometheus: a query returns one series per metric it selects that is "scraped", none when any is not,
// and an error for the one expression it is told to reject.
function fakePrometheus(scraped: string[], rejects = ''): Evaluate {
  return async (expr) => {
    if (expr === rejects) return { ok: false, error: 'parse error: unexpected <EOF>' };
    const names = metricNames(expr);
    return { ok: true, series: names.every((n) => scraped.includes(n)) ? names.length : 0 };
  };
}

describe('checkPanels', () => {
  it('lists a panel whose query selects a metric nothing exports', async () => {
    const report = await checkPanels(
      [
        { panel: 'Calls ended', expr: 'sum(rate(synthcall_calls_ended_total[$__rate_interval]))' },
        { panel: 'typo', expr: 'sum(rate(synthcall_call_ended_total[$__rate_interval]))' },
      ],
      fakePrometheus(['synthcall_calls_ended_total']),
    );
    expect(report).toEqual({ errors: [], empty: ['typo'], unexpectedlyFilled: [] });
  });

  it('counts a panel as having data when any one of its queries returns series', async () => {
    const report = await checkPanels(
      [
        { panel: 'p50 / p99', expr: 'histogram_quantile(0.5, rate(a_bucket[$__rate_interval]))' },
        { panel: 'p50 / p99', expr: 'histogram_quantile(0.99, rate(b_bucket[$__rate_interval]))' },
      ],
      fakePrometheus(['b_bucket']),
    );
    expect(report.empty).toEqual([]);
  });

  it('reports a query Prometheus rejects, with the fixed-range expression it was sent', async () => {
    const report = await checkPanels(
      [{ panel: 'broken', expr: 'sum(rate(a[$__rate_interval])' }],
      fakePrometheus(['a'], 'sum(rate(a[5m])'),
    );
    expect(report.errors).toEqual(['broken: parse error: unexpected <EOF>']);
  });

  it('keeps a panel expected to be empty out of the list, and flags the exemption once the panel has data', async () => {
    const queries = [
      { panel: 'Dead letters', expr: 'sum(increase(synthcall_dead_letters_total[$__rate_interval]))' },
    ];
    const exempt = { 'Dead letters': 'none on a healthy run' };
    expect((await checkPanels(queries, fakePrometheus([]), exempt)).empty).toEqual([]);
    expect(
      (await checkPanels(queries, fakePrometheus(['synthcall_dead_letters_total']), exempt))
        .unexpectedlyFilled,
    ).toEqual(['Dead letters']);
  });
});

describe('metricsWithoutSeries', () => {
  it('names each metric an alert selects that has no series, except the ones expected to be missing', async () => {
    const alerts = [
      { panel: 'LoopRate', expr: 'sum(rate(x_total{r="loop"}[15m])) / sum(rate(y_total[15m])) > 0.25' },
      { panel: 'Breaker', expr: 'max(z_state) == 2' },
    ];
    expect(await metricsWithoutSeries(alerts, fakePrometheus(['x_total']))).toEqual([
      'LoopRate: y_total',
      'Breaker: z_state',
    ]);
    expect(await metricsWithoutSeries(alerts, fakePrometheus(['x_total']), { z_state: 'why' })).toEqual([
      'LoopRate: y_total',
    ]);
  });
});
