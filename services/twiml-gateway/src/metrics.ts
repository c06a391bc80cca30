import type { Registry } from '@synthcall/metrics';
import { Counter, Gauge, Histogram } from 'prom-client';

/** The route label: the webhook's name, never its URL (query strings carry ids). */
export const ROUTE_LABELS = [
  'voice',
  'gather',
  'wait',
  'status_conference',
  'status_call',
  'status_recording',
  'intelligence',
  'unmatched',
] as const;
export type RouteLabel = (typeof ROUTE_LABELS)[number];

export type SignatureFailureReason = 'missing' | 'invalid';

export interface GatewayMetrics {
  observeWebhook(route: RouteLabel, status: number, seconds: number): void;
  signatureFailure(reason: SignatureFailureReason): void;
  /** Total wait of one turn, from the first webhook that waited to the reply (or fallback) being spoken. */
  observeReplyWait(seconds: number): void;
  fallbackTurn(role: string): void;
  /** A line was ready too late for the webhook that waited for it (Twilio gives up at 15 s): the leg was held. */
  lateAnswer(): void;
  conferenceStarted(): void;
  conferenceEnded(): void;
}

function existing<T>(registry: Registry, name: string): T | undefined {
  return registry.getSingleMetric(name) as T | undefined;
}

/** Gateway metrics on the service registry; calling it twice on one registry shares them. */
export function createGatewayMetrics(registry: Registry): GatewayMetrics {
  const duration =
    existing<Histogram<'route' | 'status'>>(registry, 'synthcall_webhook_duration_seconds') ??
    new Histogram({
      name: 'synthcall_webhook_duration_seconds',
      help: 'Time to answer a Twilio webhook, by route and HTTP status (held webhooks included).',
      labelNames: ['route', 'status'],
      // Up to Twilio's 15 s limit: a held webhook answers in about REPLY_HOLD_MS.
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 15],
      registers: [registry],
    });
  const total =
    existing<Counter<'route' | 'status'>>(registry, 'synthcall_webhooks_total') ??
    new Counter({
      name: 'synthcall_webhooks_total',
      help: 'Twilio webhooks answered, by route and HTTP status.',
      labelNames: ['route', 'status'],
      registers: [registry],
    });
  // The 500 the gateway answers a failed webhook with, exported at zero from start per route: the webhook-5xx panel
  // and alert then read 0 on a healthy run instead of "no data".
  for (const route of ROUTE_LABELS) total.inc({ route, status: '500' }, 0);
  const signatures =
    existing<Counter<'reason'>>(registry, 'synthcall_signature_failures_total') ??
    new Counter({
      name: 'synthcall_signature_failures_total',
      help: 'Webhooks refused for their X-Twilio-Signature (missing or invalid).',
      labelNames: ['reason'],
      registers: [registry],
    });
  const replyWait =
    existing<Histogram>(registry, 'synthcall_reply_wait_seconds') ??
    new Histogram({
      name: 'synthcall_reply_wait_seconds',
      help: "Time a leg waited for the engine's reply (holds and pauses), until the reply or the fallback was spoken.",
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 16],
      registers: [registry],
    });
  const fallbacks =
    existing<Counter<'role'>>(registry, 'synthcall_fallback_turns_total') ??
    new Counter({
      name: 'synthcall_fallback_turns_total',
      help: 'Turns spoken with a fallback line because no reply came in time, by role.',
      labelNames: ['role'],
      registers: [registry],
    });
  const late =
    existing<Counter>(registry, 'synthcall_late_answers_total') ??
    new Counter({
      name: 'synthcall_late_answers_total',
      help: "Webhooks whose line was ready too late to hand over within Twilio's 15 s (a slow bus): the leg was held and the line followed on the wait route.",
      registers: [registry],
    });
  const active =
    existing<Gauge>(registry, 'synthcall_active_calls') ??
    new Gauge({
      name: 'synthcall_active_calls',
      help: 'Calls with a live conference, as seen by this replica (sum over replicas: a start and its end may reach different replicas).',
      registers: [registry],
    });
  return {
    observeWebhook(route, status, seconds) {
      const labels = { route, status: String(status) };
      duration.observe(labels, seconds);
      total.inc(labels);
    },
    signatureFailure: (reason) => signatures.inc({ reason }),
    observeReplyWait: (seconds) => replyWait.observe(seconds),
    fallbackTurn: (role) => fallbacks.inc({ role }),
    lateAnswer: () => late.inc(),
    conferenceStarted: () => active.inc(),
    conferenceEnded: () => active.dec(),
  };
}
