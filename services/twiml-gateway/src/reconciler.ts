import type { EventBus, Subscription } from '@synthcall/event-bus';
import { callLogger, type Logger } from '@synthcall/logging';
import { type CallLifecycle, type Role, unseenCallEnd } from '@synthcall/schemas';
import {
  callLifecycle,
  conferenceLifecycle,
  recordingCompleted,
  unplannedEnd,
} from './domain/status-events.js';
import { TtlMap } from './domain/ttl-map.js';
import type { GatewayTopics } from './gateway.js';
import type { VoiceIntelligence } from './voice-intelligence.js';

/**
 * What Twilio's REST API says about a call: the reconciler's port (`adapters/twilio-call-records.ts` through the
 * official SDK, so real Twilio and twilio-sim alike).
 */
export interface CallRecords {
  /** The conference by SID, else the newest one named `friendlyName`; null when Twilio has none. */
  conference(o: { sid: string | null; friendlyName: string }): Promise<ConferenceRecord | null>;
  /** The conference's recordings. */
  recordings(conferenceSid: string): Promise<RecordingRecord[]>;
  /** One leg (a participant's call); null when Twilio does not know it. */
  leg(callSid: string): Promise<LegRecord | null>;
  /** The newest Voice Intelligence transcript of a recording in a service, or null. */
  transcriptOf(recordingSid: string, serviceSid: string): Promise<TranscriptRecord | null>;
}

export interface ConferenceRecord {
  sid: string;
  /** `init`, `in-progress`, `completed`. */
  status: string;
  reasonEnded: string | null;
  createdAt: Date;
  /** For a completed conference: when it ended (its last update). */
  updatedAt: Date;
}

export interface RecordingRecord {
  sid: string;
  /** `in-progress`, `paused`, `stopped`, `processing`, `completed`, `absent`, `failed`. */
  status: string;
  /** The URL a recording status callback carries (no extension). */
  url: string;
  durationSec: number;
  channels: number;
  source: string;
  conferenceSid: string | null;
  startTime: Date;
}

export interface LegRecord {
  sid: string;
  status: string;
  durationSec: number | null;
  endTime: Date | null;
}

export interface TranscriptRecord {
  sid: string;
  status: string;
}

export interface ReconcilerOptions {
  bus: EventBus;
  topics: GatewayTopics;
  records: CallRecords;
  logger: Logger;
  now: () => number;
  intervalMs: number;
  /** A call with no news for this long is looked up. */
  quietMs: number;
  /** What the gateway reads again of `calls` and `call-events` on (re)joining, to learn the calls in flight. */
  lookbackMs: number;
  /** Creates (and reads) the transcript the recording webhook would have asked for. Unset: no transcripts. */
  intelligence?: VoiceIntelligence | undefined;
  /** Recordings whose transcript this process asked for (shared with the recording webhook: asked once). */
  transcribed: TtlMap<true>;
  /** Consumer-group prefix: shared by the replicas, so a restarted gateway resumes where the crashed one stopped. */
  group?: string;
}

/** What the bus said about a call in flight. Only a CallPlanned opens one, so an old call is never resurrected. */
interface Watch {
  callId: string;
  firstSeenAt: number;
  /** When this process last heard of the call (bus or REST); -Infinity while learned from the start-up replay. */
  lastNewsAt: number;
  conferenceSid: string | null;
  legs: Map<string, Role | null>;
  legsDone: Set<string>;
  started: boolean;
  conferenceEnded: boolean;
  /** A call_ended (with its reason) is on call-events. */
  ended: boolean;
  failed: boolean;
  recordings: Set<string>;
  /** Recordings whose TranscriptAnalyzed is on the bus. */
  transcribed: Set<string>;
}

/** Recording states after which nothing more will come. */
const RECORDING_FINAL = new Set(['completed', 'absent', 'failed']);
const TRANSCRIPT_FAILED = new Set(['failed', 'error', 'canceled']);
const LEG_FINAL = new Set(['completed', 'busy', 'failed', 'no-answer', 'canceled']);
const CONFERENCE_PREFIX = 'synthcall-';

/**
 * Reconciles calls whose status callbacks were lost (the gateway was down, or Twilio gave up on a callback): every
 * call planned on `calls` is followed through `call-events`, `recordings` and `transcripts`; one with no news for
 * `quietMs` — and, after a restart, every call in flight — is looked up over the REST API, and what the callbacks
 * would have published is published from what the API says, with the same event ids, so a late callback and a
 * reconciled event are one event to every consumer.
 */
export class Reconciler {
  private readonly watches = new Map<string, Watch>();
  /** Calls settled here: their replayed events open no new watch. */
  private readonly settled: TtlMap<true>;
  private readonly subscriptions: Subscription[] = [];
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private firstPassDone = false;
  private closed = false;

  constructor(private readonly o: ReconcilerOptions) {
    this.settled = new TtlMap(o.lookbackMs * 2, o.now);
  }

  /** Subscribes (replaying `lookbackMs`) and starts the periodic pass; the first pass checks every call in flight. */
  async start(): Promise<void> {
    const { bus, topics } = this.o;
    const group = this.o.group ?? 'twiml-gateway.reconciler';
    const common = { fromBeginning: false, replayMs: this.o.lookbackMs };
    try {
      this.subscriptions.push(
        await bus.subscribe({
          ...common,
          topic: topics.calls,
          group: `${group}-calls`,
          handler: async ({ value }) => {
            if (this.settled.has(value.callId) || this.watches.has(value.callId)) return;
            const now = this.o.now();
            this.watches.set(value.callId, {
              callId: value.callId,
              firstSeenAt: now,
              lastNewsAt: this.firstPassDone ? now : Number.NEGATIVE_INFINITY,
              conferenceSid: null,
              legs: new Map(),
              legsDone: new Set(),
              started: false,
              conferenceEnded: false,
              ended: false,
              failed: false,
              recordings: new Set(),
              transcribed: new Set(),
            });
          },
        }),
        await bus.subscribe({
          ...common,
          topic: topics.callEvents,
          group: `${group}-call-events`,
          handler: async ({ value }) => this.onLifecycle(value),
        }),
        await bus.subscribe({
          ...common,
          topic: topics.recordings,
          group: `${group}-recordings`,
          handler: async ({ value }) => {
            const w = this.news(value.callId);
            w?.recordings.add(value.recordingSid);
            if (w) this.settleIfDone(w);
          },
        }),
      );
      if (topics.transcripts) {
        this.subscriptions.push(
          await bus.subscribe({
            ...common,
            topic: topics.transcripts,
            group: `${group}-transcripts`,
            handler: async ({ value }) => {
              const w = this.news(value.callId);
              w?.transcribed.add(value.recordingSid ?? '');
              if (w) this.settleIfDone(w);
            },
          }),
        );
      }
    } catch (err) {
      await Promise.allSettled(this.subscriptions.map((s) => s.close()));
      throw err;
    }
    this.timer = setInterval(() => void this.pass(), this.o.intervalMs);
    this.timer.unref();
  }

  /** Whether a call's end (with its reason) is on call-events: a conference-end callback then adds no end. */
  endKnown(callId: string): boolean {
    return this.watches.get(callId)?.ended ?? this.settled.has(callId);
  }

  /** Whether a CallPlanned for this call was read (replayed over `lookbackMs` after a restart). */
  knows(callId: string): boolean {
    return this.watches.has(callId) || this.settled.has(callId);
  }

  /** Calls followed now (tests, metrics). */
  get watching(): number {
    return this.watches.size;
  }

  /** One pass: every call quiet for `quietMs` (every call, on the first pass after start) is looked up. */
  pass(): Promise<void> {
    this.running ??= this.runPass().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    await this.running;
    await Promise.all(this.subscriptions.map((s) => s.close()));
  }

  private async runPass(): Promise<void> {
    const now = this.o.now();
    for (const w of [...this.watches.values()]) {
      if (this.closed) return;
      if (now - w.firstSeenAt > this.o.lookbackMs) {
        callLogger(this.o.logger, w.callId).error(
          { lookbackMs: this.o.lookbackMs },
          'call still not settled after the lookback window: no longer reconciled',
        );
        this.drop(w);
        continue;
      }
      if (now - w.lastNewsAt < this.o.quietMs) continue;
      try {
        await this.reconcile(w);
      } catch (err) {
        // Looked up again on the next pass: nothing was marked done.
        callLogger(this.o.logger, w.callId).warn(
          { code: 'SYNTH_RECONCILE_FAILED', err: (err as Error).message },
          'could not reconcile the call over the REST API',
        );
      }
    }
    this.firstPassDone = true;
  }

  private async reconcile(w: Watch): Promise<void> {
    const { records, logger } = this.o;
    const log = callLogger(logger, w.callId);
    const quietSec = Number.isFinite(w.lastNewsAt)
      ? `${Math.round((this.o.now() - w.lastNewsAt) / 1000)} s without news`
      : 'the gateway restarted';
    const conference = await records.conference({
      sid: w.conferenceSid,
      friendlyName: `${CONFERENCE_PREFIX}${w.callId}`,
    });
    if (!conference && this.o.now() - w.firstSeenAt < this.o.quietMs) {
      // The orchestrator may still be dialling (it plans before it creates the conference): asked again later.
      w.lastNewsAt = this.o.now();
      return;
    }
    if (!conference) {
      if (!w.ended && !w.failed) {
        log.warn({ reconciled: true }, 'no conference exists for the planned call: ending it');
        await this.publishLifecycle(w, {
          ...unseenCallEnd(w.callId, 'gateway', new Date(this.o.now()), null),
          detail: `reconciled (${quietSec}): Twilio has no conference for the call; it was never placed`,
        });
      }
      this.drop(w);
      return;
    }
    w.conferenceSid = conference.sid;
    if (conference.status !== 'completed') {
      // Alive: its own callbacks will tell the end. Asked again after another quiet period.
      w.lastNewsAt = this.o.now();
      return;
    }
    const callback = {
      callId: w.callId,
      ConferenceSid: conference.sid,
      ReasonConferenceEnded: conference.reasonEnded ?? undefined,
    };
    if (!w.started) {
      const started = conferenceLifecycle({
        ...callback,
        StatusCallbackEvent: 'conference-start',
        occurredAt: conference.createdAt,
      });
      if (started) await this.publishLifecycle(w, started);
    }
    if (!w.conferenceEnded) {
      const ended = conferenceLifecycle({
        ...callback,
        StatusCallbackEvent: 'conference-end',
        occurredAt: conference.updatedAt,
      });
      if (ended) await this.publishLifecycle(w, ended);
    }
    if (!w.ended && !w.failed) {
      const reason = conference.reasonEnded ?? 'no reason given';
      log.warn({ reconciled: true, reason }, 'conference ended without an end of conversation on the bus');
      await this.publishLifecycle(
        w,
        unplannedEnd(
          { ...callback, StatusCallbackEvent: 'conference-end', occurredAt: conference.updatedAt },
          `reconciled (${quietSec}): the conference ended (${reason}) while its status callbacks were lost`,
        ),
      );
    }
    for (const [callSid, role] of w.legs) {
      if (w.legsDone.has(callSid)) continue;
      const leg = await records.leg(callSid);
      if (!leg || !LEG_FINAL.has(leg.status)) continue;
      const event = callLifecycle({
        callId: w.callId,
        role,
        CallSid: leg.sid,
        CallStatus: leg.status,
        CallDuration: leg.durationSec ?? undefined,
        occurredAt: leg.endTime ?? conference.updatedAt,
      });
      if (event) await this.publishLifecycle(w, event);
    }
    const pending = await this.reconcileRecordings(w, conference.sid);
    if (!pending) this.drop(w);
  }

  /** Publishes the conference's completed recordings and their transcripts; true while something is still coming. */
  private async reconcileRecordings(w: Watch, conferenceSid: string): Promise<boolean> {
    const { records, bus, topics, intelligence } = this.o;
    const log = callLogger(this.o.logger, w.callId);
    let pending = false;
    for (const r of await records.recordings(conferenceSid)) {
      if (!RECORDING_FINAL.has(r.status)) {
        pending = true;
        continue;
      }
      if (r.status !== 'completed') continue;
      if (!w.recordings.has(r.sid)) {
        const event = recordingCompleted({
          callId: w.callId,
          RecordingSid: r.sid,
          RecordingUrl: r.url,
          RecordingStatus: r.status,
          RecordingDuration: r.durationSec,
          RecordingChannels: r.channels,
          RecordingSource: r.source,
          ConferenceSid: r.conferenceSid ?? conferenceSid,
          completedAt: new Date(r.startTime.getTime() + r.durationSec * 1000),
        });
        if (event) {
          await bus.publish(topics.recordings, w.callId, event);
          w.recordings.add(r.sid);
          log.info({ reconciled: true, recordingSid: r.sid }, 'recording reconciled');
        }
      }
      if (!intelligence || !topics.transcripts || w.transcribed.has(r.sid)) continue;
      const transcript = await records.transcriptOf(r.sid, intelligence.serviceSid);
      if (!transcript) {
        if (!this.o.transcribed.has(r.sid)) {
          const transcriptSid = await intelligence.createTranscript({
            callId: w.callId,
            recordingSid: r.sid,
          });
          this.o.transcribed.set(r.sid, true);
          log.info({ reconciled: true, transcriptSid, recordingSid: r.sid }, 'transcript requested');
        }
        pending = true;
      } else if (transcript.status === 'completed') {
        const analyzed = await intelligence.analyzed({
          callId: w.callId,
          transcriptSid: transcript.sid,
          now: new Date(this.o.now()),
        });
        await bus.publish(topics.transcripts, w.callId, analyzed);
        w.transcribed.add(r.sid);
        log.info({ reconciled: true, transcriptSid: transcript.sid }, 'transcript reconciled');
      } else if (TRANSCRIPT_FAILED.has(transcript.status)) {
        log.error(
          { transcriptSid: transcript.sid, status: transcript.status },
          'the Voice Intelligence transcript failed: the call has none',
        );
      } else pending = true;
    }
    return pending;
  }

  private async publishLifecycle(w: Watch, event: CallLifecycle): Promise<void> {
    await this.o.bus.publish(this.o.topics.callEvents, event.callId, event);
    this.apply(w, event);
  }

  private onLifecycle(e: CallLifecycle): void {
    const w = this.news(e.callId);
    if (!w) return;
    this.apply(w, e);
    this.settleIfDone(w);
  }

  private apply(w: Watch, e: CallLifecycle): void {
    if (e.conferenceSid) w.conferenceSid ??= e.conferenceSid;
    switch (e.type) {
      case 'conference_started':
        w.started = true;
        break;
      case 'conference_ended':
        w.conferenceEnded = true;
        break;
      case 'participant_joined':
        if (e.callSid) w.legs.set(e.callSid, e.role);
        break;
      case 'call_completed':
        if (e.callSid) w.legsDone.add(e.callSid);
        break;
      case 'call_failed':
        if (e.callSid) w.legsDone.add(e.callSid);
        w.failed = true;
        break;
      case 'call_ended':
        w.ended = true;
        break;
      default:
        break;
    }
  }

  /** The call's watch, marked as having news now (a replayed event counts as none: the first pass checks it). */
  private news(callId: string): Watch | undefined {
    const w = this.watches.get(callId);
    if (w && this.firstPassDone) w.lastNewsAt = this.o.now();
    return w;
  }

  /** Everything a call produces is on the bus: nothing to reconcile. */
  private settleIfDone(w: Watch): void {
    if (w.failed) {
      this.drop(w);
      return;
    }
    const transcriptsDone =
      !this.o.intelligence ||
      !this.o.topics.transcripts ||
      [...w.recordings].every((r) => w.transcribed.has(r));
    if (w.conferenceEnded && w.ended && w.recordings.size > 0 && transcriptsDone) this.drop(w);
  }

  private drop(w: Watch): void {
    this.watches.delete(w.callId);
    this.settled.set(w.callId, true);
  }
}
