import { metricNames, withFixedRanges } from './promql.js';

export interface PanelQuery {
  /** Panel title, or alert name. */
  panel: string;
  expr: string;
}

/** The part of a Grafana dashboard panel the checks read. */
export interface Panel {
  type: string;
  title: string;
  targets?: { expr: string }[];
}

/** A PrometheusRule group as the checks read it. */
export interface RuleGroup {
  name: string;
  rules: { alert?: string; record?: string; expr: string }[];
}

/** Panels that cannot have series in an offline run, and why. The check fails if one of them does have series. */
export const EXPECTED_EMPTY_PANELS: Record<string, string> = {
  'LLM request latency p95':
    'observed per OpenAI request (provider × outcome); offline the engine runs the scripted provider, which makes no model requests',
  'LLM circuit breaker state':
    'set by the OpenAI provider when it starts; the scripted provider has no breaker, and a 0 ("closed") for a provider that is not running would be false',
};
/** Every query of every panel, named by the panel's title. */
export const panelQueries = (panels: Panel[]): PanelQuery[] =>
  panels.flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, expr: t.expr })));

/** Every alert and recording rule's expression, named by the alert (or record). */
export const alertQueries = (groups: RuleGroup[]): PanelQuery[] =>
  groups.flatMap((g) => g.rules.map((r) => ({ panel: r.alert ?? r.record ?? '?', expr: r.expr })));

/** One instant query's answer: how many series it returned, or the error Prometheus gave. */
export type Evaluation = { ok: true; series: number } | { ok: false; error: string };
export type Evaluate = (expr: string) => Promise<Evaluation>;

/** An instant query through Prometheus's HTTP API (`/api/v1/query`). */
export function prometheusEvaluator(url: string): Evaluate {
  return async (expr) => {
    const res = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(expr)}`);
    const body = (await res.json()) as { status: string; error?: string; data?: { result?: unknown[] } };
    return body.status === 'success'
      ? { ok: true, series: body.data?.result?.length ?? 0 }
      : { ok: false, error: body.error ?? body.status };
  };
}

export interface PanelReport {
  /** "<panel>: <error>" for every query Prometheus rejected. */
  errors: string[];
  /** Panels none of whose queries returned a series (and that are not expected to be empty). */
  empty: string[];
  /** Panels listed as expected-empty that did return series: the exemption is stale. */
  unexpectedlyFilled: string[];
}

/**
 * Evaluates every panel's queries (Grafana's interval variables fixed) and reports panels that returned no series.
 * A panel has data when any of its queries returns at least one series. `expectedEmpty` names panels that cannot
 * have data in this run, with the reason; they must still evaluate, and must stay empty.
 */
export async function checkPanels(
  queries: readonly PanelQuery[],
  evaluate: Evaluate,
  expectedEmpty: Readonly<Record<string, string>> = {},
): Promise<PanelReport> {
  const series = new Map<string, number>();
  const errors: string[] = [];
  for (const { panel, expr } of queries) {
    const result = await evaluate(withFixedRanges(expr));
    if (!result.ok) errors.push(`${panel}: ${result.error}`);
    series.set(panel, (series.get(panel) ?? 0) + (result.ok ? result.series : 0));
  }
  const panels = [...series.keys()];
  return {
    errors,
    empty: panels.filter((p) => series.get(p) === 0 && !(p in expectedEmpty)),
    unexpectedlyFilled: panels.filter((p) => (series.get(p) ?? 0) > 0 && p in expectedEmpty),
  };
}

/**
 * The metrics an expression selects that have no series at all ("<panel>: <metric>"): for alerts, which are
 * expected to be quiet on a healthy run, this is the check that they watch something that exists.
 */
export async function metricsWithoutSeries(
  queries: readonly PanelQuery[],
  evaluate: Evaluate,
  expectedMissing: Readonly<Record<string, string>> = {},
): Promise<string[]> {
  const missing: string[] = [];
  for (const { panel, expr } of queries) {
    for (const name of metricNames(expr)) {
      if (name in expectedMissing) continue;
      const result = await evaluate(`group(${name})`);
      if (!result.ok || result.series === 0) missing.push(`${panel}: ${name}`);
    }
  }
  return missing;
}
