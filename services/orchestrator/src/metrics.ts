import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export interface OrchestratorMetrics {
  callsStarted: Counter<'strategy'>;
  callsRejected: Counter<'reason'>;
  twilioRequests: Counter<'operation' | 'outcome'>;
  twilioDuration: Histogram<'operation'>;
  pairingScore: Histogram<'strategy'>;
  callsInFlight: Gauge;
}

const byRegistry = new WeakMap<Registry, OrchestratorMetrics>();

/** The orchestrator's metrics on a registry; created once per registry (main.ts and createApp both ask). */
export function orchestratorMetrics(registry: Registry): OrchestratorMetrics {
  let metrics = byRegistry.get(registry);
  if (!metrics) {
    metrics = createOrchestratorMetrics(registry);
    byRegistry.set(registry, metrics);
  }
  return metrics;
}

/** Every reason the orchestrator rejects a call with (orchestrator.ts); a closed set, so the label stays bounded. */
const REJECT_REASONS = ['daily_cap', 'conference_failed', 'duplicate'] as const;

function createOrchestratorMetrics(registry: Registry): OrchestratorMetrics {
  const registers = [registry];
  const metrics: OrchestratorMetrics = {
    callsStarted: new Counter({
      name: 'synthcall_calls_started_total',
      help: 'Calls whose conference was created, by pairing strategy.',
      labelNames: ['strategy'],
      registers,
    }),
    callsRejected: new Counter({
      name: 'synthcall_calls_rejected_total',
      help: 'Requested calls not started: daily_cap (budget spent), conference_failed (Twilio refused), duplicate (already placed).',
      labelNames: ['reason'],
      registers,
    }),
    twilioRequests: new Counter({
      name: 'synthcall_twilio_api_requests_total',
      help: 'Twilio REST API requests by operation and outcome (ok, error).',
      labelNames: ['operation', 'outcome'],
      registers,
    }),
    twilioDuration: new Histogram({
      name: 'synthcall_twilio_api_duration_seconds',
      help: 'Twilio REST API request duration.',
      labelNames: ['operation'],
      buckets: [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    pairingScore: new Histogram({
      name: 'synthcall_pairing_score',
      help: 'Fit of agent to customer (0..1) of each planned call, by strategy.',
      labelNames: ['strategy'],
      buckets: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1],
      registers,
    }),
    callsInFlight: new Gauge({
      name: 'synthcall_calls_in_flight',
      help: 'Calls holding a concurrency slot in this replica (from conference creation to their end event).',
      registers,
    }),
  };
  // Exported at zero from start, so the "rejected" panel shows 0 on a healthy run instead of "no data".
  for (const reason of REJECT_REASONS) metrics.callsRejected.inc({ reason }, 0);
  return metrics;
}
