import { Counter, type Registry } from 'prom-client';

/**
 * Why a call's labels hold only what its plan says: its ground truth did not arrive within the wait
 * (`ground_truth_missing`), or the call failed to start (`call_failed`: no conversation, nothing to wait for).
 */
export type PlanLabelsReason = 'ground_truth_missing' | 'call_failed';

/** What the sink reports about the labels it writes; narrow so the sink never sees prom-client. */
export interface LabelMetrics {
  /** A call written with `source: 'plan'` labels. */
  fromPlan(reason: PlanLabelsReason): void;
  /** PII spans of a ground truth left out of the labels because the spoken text does not hold them. */
  piiDropped(count: number): void;
}

export const noopLabelMetrics: LabelMetrics = {
  fromPlan() {},
  piiDropped() {},
};

const PLAN_REASONS: readonly PlanLabelsReason[] = ['ground_truth_missing', 'call_failed'];

// Reuse what is already registered: in embedded mode several components may share one registry.
function get<T>(registry: Registry, name: string, make: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? make();
}

export function createLabelMetrics(registry: Registry): LabelMetrics {
  const registers = [registry];
  const fromPlan = get(
    registry,
    'synthcall_labels_from_plan_total',
    () =>
      new Counter({
        name: 'synthcall_labels_from_plan_total',
        help: "Calls written with labels from their plan only (source plan), by reason: ground_truth_missing (the engine's GroundTruthRecorded did not arrive in time), call_failed.",
        labelNames: ['reason'],
        registers,
      }),
  );
  const dropped = get(
    registry,
    'synthcall_labels_pii_dropped_total',
    () =>
      new Counter({
        name: 'synthcall_labels_pii_dropped_total',
        help: 'PII spans of a ground truth left out of the labels: the text the dataset records as spoken does not hold the value at their offsets.',
        registers,
      }),
  );
  // Exported at zero from start, so a healthy sink reads 0 instead of "no data".
  for (const reason of PLAN_REASONS) fromPlan.inc({ reason }, 0);
  dropped.inc(0);
  return {
    fromPlan: (reason) => fromPlan.inc({ reason }),
    piiDropped: (count) => dropped.inc(count),
  };
}
