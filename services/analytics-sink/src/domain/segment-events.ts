import type { CallLifecycle, CallPlanned, OperatorResult, TranscriptAnalyzed } from '@synthcall/schemas';
import type { CallRecord } from './dataset.js';

/**
 * The Segment calls synthcall makes, in the shape of Segment's HTTP spec (one element of a `/v1/batch` `batch`), minus
 * what the client library adds (`sentAt`, `context.library`). The same objects go to analytics-node and to
 * segment.jsonl, so the file shows exactly what would have been sent.
 */
export interface SegmentContext {
  /** Segment copies context.traits onto the profile; flagging every call keeps synthetic data filterable downstream. */
  traits: { synthetic: true };
  app: { name: 'synthcall' };
}

export interface SegmentIdentify {
  type: 'identify';
  messageId: string;
  /** ISO-8601, from the event that caused the call (never the wall clock), so a replay sends identical payloads. */
  timestamp: string;
  userId: string;
  traits: Record<string, unknown> & { synthetic: true };
  context: SegmentContext;
}

export interface SegmentTrack {
  type: 'track';
  messageId: string;
  timestamp: string;
  userId: string;
  event: SegmentEventName;
  properties: Record<string, unknown> & { synthetic: true; callId: string };
  context: SegmentContext;
}

export type SegmentMessage = SegmentIdentify | SegmentTrack;

export const SEGMENT_EVENTS = {
  started: 'Call Started',
  completed: 'Call Completed',
  analyzed: 'Call Analyzed',
} as const;
export type SegmentEventName = (typeof SEGMENT_EVENTS)[keyof typeof SEGMENT_EVENTS];

/**
 * Deterministic per call and kind: redelivered bus events map to the same id, and Segment drops a messageId it has
 * already seen, so at-least-once delivery on the bus cannot double-count a call.
 */
/** Dropped call ids remembered to ignore their redeliveries (a replay window's worth of calls is far fewer). */
const MAX_FORGOTTEN = 100_000;

const SEGMENT_MESSAGE_KINDS = ['identify', 'call-started', 'call-completed', 'call-analyzed'] as const;

export const segmentMessageId = (callId: string, kind: (typeof SEGMENT_MESSAGE_KINDS)[number]) =>
  `${callId}:${kind}`;

const callIdOf = (m: SegmentMessage) => m.messageId.slice(0, m.messageId.lastIndexOf(':'));

const context = (): SegmentContext => ({ traits: { synthetic: true }, app: { name: 'synthcall' } });

/** The customer persona as a Segment profile: userId is the persona id, so every call of a persona lands on one profile. */
export function identifyOf(planned: CallPlanned): SegmentIdentify {
  const { customer, scenario } = planned;
  return {
    type: 'identify',
    messageId: segmentMessageId(planned.callId, 'identify'),
    timestamp: planned.plannedAt.toISOString(),
    userId: customer.id,
    traits: {
      name: customer.name,
      industry: scenario.industry,
      language: customer.language,
      voice: customer.voice,
      personaId: customer.id,
      synthetic: true,
    },
    context: context(),
  };
}

/** What every track of a call carries, so each event can be analysed without joining the others. */
function callProperties(planned: CallPlanned) {
  return {
    callId: planned.callId,
    requestId: planned.requestId,
    agentId: planned.agent.id,
    agentName: planned.agent.name,
    industry: planned.scenario.industry,
    issueCategory: planned.scenario.issueCategory,
    mode: planned.mode,
    synthetic: true as const,
  };
}

export function callStartedOf(planned: CallPlanned, started: CallLifecycle): SegmentTrack {
  return {
    type: 'track',
    messageId: segmentMessageId(planned.callId, 'call-started'),
    timestamp: started.occurredAt.toISOString(),
    userId: planned.customer.id,
    event: SEGMENT_EVENTS.started,
    properties: {
      ...callProperties(planned),
      conferenceSid: started.conferenceSid,
      issueComplexity: planned.scenario.issueComplexity,
      demeanor: planned.scenario.demeanor,
      expectedOutcome: planned.expectedOutcome,
      pairingStrategy: planned.strategy,
      pairingScore: planned.pairingScore,
    },
    context: context(),
  };
}

/**
 * `endedAt` is when the end was recorded (call_ended / call_failed); without it the plan time stands in, which keeps
 * the payload deterministic. A call that failed to connect has no end reason and no outcome: `failed` says why.
 */
export function callCompletedOf(
  planned: CallPlanned,
  record: CallRecord,
  endedAt: Date | null,
): SegmentTrack {
  return {
    type: 'track',
    messageId: segmentMessageId(planned.callId, 'call-completed'),
    timestamp: (endedAt ?? planned.plannedAt).toISOString(),
    userId: planned.customer.id,
    event: SEGMENT_EVENTS.completed,
    properties: {
      ...callProperties(planned),
      durationSec: record.durationSec,
      turns: record.turnCount,
      fallbackTurns: record.fallbackTurns,
      endReason: record.endReason,
      endedBy: record.endedBy,
      outcome: record.outcome,
      expectedOutcome: record.expectedOutcome,
      failed: record.endReason === null,
    },
    context: context(),
  };
}

/** Which analysis an operator ran, from its type and the words operator names use (Twilio's and custom ones). */
export type OperatorKind = 'sentiment' | 'pii' | 'summary' | 'callReason';

export function operatorKindOf(result: Pick<OperatorResult, 'name' | 'operatorType'>): OperatorKind | null {
  // Twilio's API spells types with underscores, some payloads with hyphens.
  const type = result.operatorType.toLowerCase().replaceAll('-', '_');
  const name = result.name.toLowerCase();
  if (type === 'pii_extract') return 'pii';
  if (name.includes('sentiment')) return 'sentiment';
  if (type === 'text_generation' && /summar/.test(name)) return 'summary';
  if (/\bpii\b|redact|personal/.test(name)) return 'pii';
  if (/summar/.test(name)) return 'summary';
  if (/reason|intent|topic|categor/.test(name)) return 'callReason';
  return null;
}

export interface CallAnalysis {
  sentiment: string | null;
  sentimentProbability: number | null;
  callReason: string | null;
  callReasonProbability: number | null;
  /** Entity types the PII operators found at least one value of, sorted; never the values themselves. */
  piiTypes: string[];
  summary: string | null;
}

/** The first result of each kind wins, so an extra custom operator cannot silently replace a pre-built one. */
export function analysisOf(results: readonly OperatorResult[]): CallAnalysis {
  const first = (kind: OperatorKind) => results.find((r) => operatorKindOf(r) === kind) ?? null;
  const sentiment = first('sentiment');
  const reason = first('callReason');
  const summary = first('summary');
  const piiTypes = new Set<string>();
  for (const r of results) {
    if (operatorKindOf(r) !== 'pii') continue;
    for (const [type, values] of Object.entries(r.extractResults)) if (values.length > 0) piiTypes.add(type);
  }
  return {
    sentiment: sentiment?.predictedLabel ?? null,
    sentimentProbability: sentiment?.predictedProbability ?? null,
    callReason: reason?.predictedLabel ?? null,
    callReasonProbability: reason?.predictedProbability ?? null,
    piiTypes: [...piiTypes].sort(),
    summary: summary?.textResult ?? null,
  };
}

/** One Call Analyzed per call: a second transcript of the same call (a re-run) maps to the same messageId. */
export function callAnalyzedOf(planned: CallPlanned, analyzed: TranscriptAnalyzed): SegmentTrack {
  const analysis = analysisOf(analyzed.operatorResults);
  return {
    type: 'track',
    messageId: segmentMessageId(planned.callId, 'call-analyzed'),
    timestamp: analyzed.analyzedAt.toISOString(),
    userId: planned.customer.id,
    event: SEGMENT_EVENTS.analyzed,
    properties: {
      ...callProperties(planned),
      transcriptSid: analyzed.transcriptSid,
      recordingSid: analyzed.recordingSid,
      sentences: analyzed.sentences.length,
      ...analysis,
      piiFound: analysis.piiTypes.length > 0,
    },
    context: context(),
  };
}

interface CallSegmentState {
  planned: CallPlanned | null;
  started: CallLifecycle | null;
  analyzed: TranscriptAnalyzed | null;
  endedAt: Date | null;
  /** When this process last saw an event of the call (ms). */
  lastEventAt: number;
}

/**
 * Decides which Segment calls a call's events make, whatever order the topics deliver them in (a conference can be
 * seen starting before its plan arrives on another topic): calls that need the plan wait for it. Pure; returns each
 * messageId at most once per process.
 */
export class SegmentCallTracker {
  private readonly calls = new Map<string, CallSegmentState>();
  private readonly sent = new Set<string>();
  private readonly forgotten = new Set<string>();

  /** `now` stamps each call's last event (ms), for `waitingSince`. */
  constructor(private readonly now: () => number = () => Date.now()) {}

  /** Calls held in memory now. */
  get size(): number {
    return this.calls.size;
  }

  /** Message ids sent and remembered (for calls still held). */
  get sentMessages(): number {
    return this.sent.size;
  }

  /** Drops a call whose Segment calls are all sent; its later events make no more calls in this process. */
  forget(callId: string): void {
    this.calls.delete(callId);
    for (const kind of SEGMENT_MESSAGE_KINDS) this.sent.delete(segmentMessageId(callId, kind));
    this.forgotten.add(callId);
    // Only ever consulted for redeliveries of recent calls: the oldest entries go beyond MAX_FORGOTTEN.
    if (this.forgotten.size > MAX_FORGOTTEN) {
      const oldest = this.forgotten.values().next().value;
      if (oldest !== undefined) this.forgotten.delete(oldest);
    }
  }

  /**
   * Calls still waiting for their plan with no event since before `before` (ms): the plan went to another replica or
   * was lost. Planned calls are not listed: their end or abandonment is decided from the dataset record.
   */
  waitingSince(before: number): string[] {
    const out: string[] = [];
    for (const [callId, s] of this.calls) if (!s.planned && s.lastEventAt < before) out.push(callId);
    return out;
  }

  /** Whether every Segment call of this call went out (identify, Call Started, Call Analyzed, Call Completed). */
  allSent(callId: string): boolean {
    return SEGMENT_MESSAGE_KINDS.every((kind) => this.sent.has(segmentMessageId(callId, kind)));
  }

  private state(callId: string): CallSegmentState {
    let s = this.calls.get(callId);
    if (!s) {
      s = { planned: null, started: null, analyzed: null, endedAt: null, lastEventAt: 0 };
      this.calls.set(callId, s);
    }
    s.lastEventAt = this.now();
    return s;
  }

  private fresh(messages: SegmentMessage[]): SegmentMessage[] {
    const out = messages.filter((m) => !this.sent.has(m.messageId) && !this.forgotten.has(callIdOf(m)));
    for (const m of out) this.sent.add(m.messageId);
    return out;
  }

  onPlanned(e: CallPlanned): SegmentMessage[] {
    if (this.forgotten.has(e.callId)) return [];
    const s = this.state(e.callId);
    if (!s.planned) s.planned = e;
    const out: SegmentMessage[] = [identifyOf(s.planned)];
    if (s.started) out.push(callStartedOf(s.planned, s.started));
    if (s.analyzed) out.push(callAnalyzedOf(s.planned, s.analyzed));
    return this.fresh(out);
  }

  onLifecycle(e: CallLifecycle): SegmentMessage[] {
    if (this.forgotten.has(e.callId)) return [];
    const s = this.state(e.callId);
    if ((e.type === 'call_ended' || e.type === 'call_failed') && !s.endedAt) s.endedAt = e.occurredAt;
    if (e.type !== 'conference_started' || s.started) return [];
    s.started = e;
    return s.planned ? this.fresh([callStartedOf(s.planned, e)]) : [];
  }

  onAnalyzed(e: TranscriptAnalyzed): SegmentMessage[] {
    if (this.forgotten.has(e.callId)) return [];
    const s = this.state(e.callId);
    if (s.analyzed) return [];
    s.analyzed = e;
    return s.planned ? this.fresh([callAnalyzedOf(s.planned, e)]) : [];
  }

  /** Call Completed, from the dataset record once the call has settled; empty if the plan was never seen. */
  onCompleted(record: CallRecord): SegmentMessage[] {
    const s = this.calls.get(record.callId);
    if (!s?.planned) return [];
    return this.fresh([callCompletedOf(s.planned, record, s.endedAt)]);
  }
}
