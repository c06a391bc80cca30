import { EndReasonValues } from '@synthcall/schemas';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** What the engine and its providers report; narrow so the domain and adapters never see prom-client. */
export interface EngineMetrics {
  turnDuration(seconds: number): void;
  llmRequest(provider: string, outcome: string, seconds: number): void;
  llmTokens(provider: string, kind: 'prompt' | 'completion', count: number): void;
  llmCost(provider: string, usd: number): void;
  /** 0 closed, 1 half-open, 2 open. */
  breakerState(provider: string, state: 0 | 1 | 2): void;
  callEnded(endReason: string, endedBy: string): void;
  fallbackTurn(): void;
  /** A line the engine produced, by who put it into words (model, template, fallback) and why not the model. */
  lineRealized(realizedBy: string, templateReason?: string | undefined): void;
  activeCalls(count: number): void;
}

export const noopEngineMetrics: EngineMetrics = {
  turnDuration() {},
  llmRequest() {},
  llmTokens() {},
  llmCost() {},
  breakerState() {},
  callEnded() {},
  fallbackTurn() {},
  lineRealized() {},
  activeCalls() {},
};

// Reuse what is already registered: in embedded mode several components may share one registry.
function get<T>(registry: Registry, name: string, make: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? make();
}

export function createEngineMetrics(registry: Registry): EngineMetrics {
  const registers = [registry];
  const turn = get(
    registry,
    'synthcall_turn_duration_seconds',
    () =>
      new Histogram({
        name: 'synthcall_turn_duration_seconds',
        help: 'Time to produce a reply, from the heard utterance to the published ReplyReady.',
        buckets: [0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 15],
        registers,
      }),
  );
  const request = get(
    registry,
    'synthcall_llm_request_duration_seconds',
    () =>
      new Histogram({
        name: 'synthcall_llm_request_duration_seconds',
        help: 'Language-model HTTP requests, each attempt, by provider and outcome.',
        labelNames: ['provider', 'outcome'],
        buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30],
        registers,
      }),
  );
  const tokens = get(
    registry,
    'synthcall_llm_tokens_total',
    () =>
      new Counter({
        name: 'synthcall_llm_tokens_total',
        help: 'Language-model tokens used, by provider and kind (prompt, completion).',
        labelNames: ['provider', 'kind'],
        registers,
      }),
  );
  const cost = get(
    registry,
    'synthcall_llm_cost_usd_total',
    () =>
      new Counter({
        name: 'synthcall_llm_cost_usd_total',
        help: 'Estimated language-model spend in US dollars, from token counts and the configured prices.',
        labelNames: ['provider'],
        registers,
      }),
  );
  const breaker = get(
    registry,
    'synthcall_circuit_breaker_state',
    () =>
      new Gauge({
        name: 'synthcall_circuit_breaker_state',
        help: 'Circuit breaker state per provider: 0 closed, 1 half-open, 2 open.',
        labelNames: ['provider'],
        registers,
      }),
  );
  const ended = get(
    registry,
    'synthcall_calls_ended_total',
    () =>
      new Counter({
        name: 'synthcall_calls_ended_total',
        help: 'Calls the engine ended, by end reason and the role that ended them.',
        labelNames: ['end_reason', 'ended_by'],
        registers,
      }),
  );
  const fallbacks = get(
    registry,
    'synthcall_fallback_turns_total',
    () =>
      new Counter({
        name: 'synthcall_fallback_turns_total',
        help: 'Lines spoken as a fallback (model failure or gateway timeout).',
        registers,
      }),
  );
  const realized = get(
    registry,
    'synthcall_lines_realized_total',
    () =>
      new Counter({
        name: 'synthcall_lines_realized_total',
        help: "Lines the engine produced, by who worded them (model, template, fallback) and why a model's wording was not used.",
        labelNames: ['realized_by', 'reason'],
        registers,
      }),
  );
  const active = get(
    registry,
    'synthcall_active_calls',
    () => new Gauge({ name: 'synthcall_active_calls', help: 'Calls in progress in this engine.', registers }),
  );
  // Exported at zero from start (bounded label sets), so dashboards read 0 rather than "no data" before the first
  // event: every end reason for either role (the loop_detected share needs its numerator), and the tokens and
  // spend of the one provider that reports them (the scripted provider makes no model requests).
  for (const endReason of EndReasonValues) {
    for (const endedBy of ['agent', 'customer']) ended.inc({ end_reason: endReason, ended_by: endedBy }, 0);
  }
  for (const kind of ['prompt', 'completion']) tokens.inc({ provider: 'openai', kind }, 0);
  cost.inc({ provider: 'openai' }, 0);
  return {
    turnDuration: (s) => turn.observe(s),
    llmRequest: (provider, outcome, s) => request.observe({ provider, outcome }, s),
    llmTokens: (provider, kind, n) => tokens.inc({ provider, kind }, n),
    llmCost: (provider, usd) => cost.inc({ provider }, usd),
    breakerState: (provider, state) => breaker.set({ provider }, state),
    callEnded: (endReason, endedBy) => ended.inc({ end_reason: endReason, ended_by: endedBy }),
    fallbackTurn: () => fallbacks.inc(),
    lineRealized: (realizedBy, reason) => realized.inc({ realized_by: realizedBy, reason: reason ?? 'none' }),
    activeCalls: (n) => active.set(n),
  };
}
