import type { CallLifecycle, CallPlanned, ReplyReady } from '@synthcall/schemas';

/** A call as the Live view shows it. */
export interface LiveCall {
  callId: string;
  customer: string;
  agent: string;
  industry: string;
  issueCategory: string;
  /** The customer's demeanor as planned (the trajectory is in the labels once the call is written). */
  demeanor: string;
  turns: number;
  speaker: 'customer' | 'agent' | null;
  lastLine: string | null;
  fallbacks: number;
  startedAt: string;
  endedAt: string | null;
  endReason: string | null;
  endedBy: string | null;
}

export interface LiveSnapshot {
  attached: true;
  source: string;
  since: string;
  now: string;
  /** Calls in progress, oldest first. */
  active: LiveCall[];
  /** Calls that ended most recently, newest first. */
  ended: LiveCall[];
  totals: { started: number; ended: number; lines: number; fallbacks: number; deadLetters: number };
  /** Calls that ended in the last minute. */
  callsPerMin: number;
}

const RECENT_ENDS = 30;
/** Calls whose end never arrives (a run stopped mid-call) must not grow the board without bound. */
const MAX_ACTIVE = 2_000;
const MINUTE_MS = 60_000;

/**
 * What is happening now, built from the bus's events: calls planned, lines spoken, calls ended, dead letters. Pure
 * (the clock is passed in); events may arrive twice (at-least-once delivery), so each is applied idempotently.
 */
export class LiveBoard {
  private readonly active = new Map<string, LiveCall>();
  private readonly ended: LiveCall[] = [];
  private readonly endedIds = new Set<string>();
  private readonly endTimes: number[] = [];
  private readonly spoken = new Set<string>();
  private readonly totals = { started: 0, ended: 0, lines: 0, fallbacks: 0, deadLetters: 0 };
  private readonly since: string;

  constructor(
    private readonly source: string,
    private readonly now: () => number,
  ) {
    this.since = new Date(now()).toISOString();
  }

  planned(e: CallPlanned): boolean {
    if (this.active.has(e.callId) || this.endedIds.has(e.callId)) return false;
    this.active.set(e.callId, {
      callId: e.callId,
      customer: e.customer.name,
      agent: e.agent.name,
      industry: e.scenario.industry,
      issueCategory: e.scenario.issueCategory,
      demeanor: e.scenario.demeanor,
      turns: 0,
      speaker: null,
      lastLine: null,
      fallbacks: 0,
      startedAt: new Date(this.now()).toISOString(),
      endedAt: null,
      endReason: null,
      endedBy: null,
    });
    this.totals.started += 1;
    if (this.active.size > MAX_ACTIVE) {
      const oldest = this.active.keys().next().value;
      if (oldest !== undefined) this.active.delete(oldest);
    }
    return true;
  }

  /** A line the gateway gave to a leg (a `replies` record marked spoken). */
  spokenLine(e: ReplyReady): boolean {
    const call = this.active.get(e.callId);
    const key = `${e.callId}:${e.role}:${e.turn}`;
    if (!call || this.spoken.has(key)) return false;
    this.spoken.add(key);
    call.turns = Math.max(call.turns, e.turn + 1);
    call.speaker = e.role;
    call.lastLine = e.text;
    this.totals.lines += 1;
    if (e.fallback) {
      call.fallbacks += 1;
      this.totals.fallbacks += 1;
    }
    return true;
  }

  lifecycle(e: CallLifecycle): boolean {
    // call_ended is synthcall's own end record, with the reason; every call gets one (a lost end is reconciled).
    if (e.type !== 'call_ended') return false;
    const call = this.active.get(e.callId);
    if (!call) return false;
    this.active.delete(e.callId);
    for (const key of this.spoken) if (key.startsWith(`${e.callId}:`)) this.spoken.delete(key);
    const at = this.now();
    call.endedAt = new Date(at).toISOString();
    call.endReason = e.endReason;
    call.endedBy = e.endedBy;
    call.speaker = null;
    this.ended.unshift(call);
    this.endedIds.add(call.callId);
    for (const dropped of this.ended.splice(RECENT_ENDS)) this.endedIds.delete(dropped.callId);
    this.endTimes.push(at);
    this.totals.ended += 1;
    return true;
  }

  deadLetter(): boolean {
    this.totals.deadLetters += 1;
    return true;
  }

  snapshot(): LiveSnapshot {
    const now = this.now();
    while (this.endTimes.length > 0 && (this.endTimes[0] ?? now) < now - MINUTE_MS) this.endTimes.shift();
    return {
      attached: true,
      source: this.source,
      since: this.since,
      now: new Date(now).toISOString(),
      active: [...this.active.values()].map((c) => ({ ...c })),
      ended: this.ended.map((c) => ({ ...c })),
      totals: { ...this.totals },
      callsPerMin: this.endTimes.length,
    };
  }
}
