import type { EventBus, Subscription } from '@synthcall/event-bus';
import { SPOKEN_HEADER, TOPICS, type TopicBinding } from '@synthcall/schemas';
import {
  DEFAULT_ABANDON_MS,
  DEFAULT_RETAIN_MS,
  type Schedule,
  type SinkLogger,
  SWEEP_EVERY_MS,
} from './dataset-sink.js';
import { DatasetBuilder } from './domain/dataset.js';
import { SegmentCallTracker, type SegmentMessage } from './domain/segment-events.js';

/**
 * Where Segment calls go: analytics-node (`SEGMENT_WRITE_KEY` set) or `<DATASET_DIR>/segment.jsonl` (unset).
 * `send` resolves once the call is accepted (queued for a batch, or appended), not when Segment acknowledged it;
 * the client's own retries carry it from there, and `close` waits for them.
 */
export interface SegmentPort {
  send(message: SegmentMessage): Promise<void>;
  /** Sends or writes everything queued, then refuses new calls. */
  close(): Promise<void>;
}

export interface SegmentPublisherOptions {
  bus: EventBus;
  segment: SegmentPort;
  logger: SinkLogger;
  /** Consumer-group prefix; each topic gets `<group>-<topic>`, separate from the dataset sink's groups. */
  group?: string;
  /** Wait after a call's end and its conference's end before Call Completed, for its last replies (see DatasetSink). */
  settleMs: number;
  /**
   * Longest wait for conference_ended (which gives the duration) after the conversation ended; then Call Completed
   * goes out without a duration. Default 30 s.
   */
  conferenceEndWaitMs?: number;
  /** Re-read this much of the topics on every (re)join, so a restart keeps the calls in flight (bus replayMs). */
  replayMs?: number;
  /** How long a completed call waits in memory for Call Analyzed before it is dropped anyway. Default 10 min. */
  retainMs?: number;
  /**
   * A call that never completed here and had no event for this long is dropped: planned here but its partitions moved
   * away, or waiting for a plan that never came. Default 45 min.
   */
  abandonMs?: number;
  now?: () => Date;
  schedule?: Schedule;
  /** Other names for the same schemas (tests and `generate` use their own topics). */
  topics?: {
    calls?: TopicBinding<'CallPlanned'>;
    replies?: TopicBinding<'ReplyReady'>;
    callEvents?: TopicBinding<'CallLifecycle'>;
    transcripts?: TopicBinding<'TranscriptAnalyzed'>;
  };
}

const realSchedule: Schedule = (run, ms) => {
  const timer = setTimeout(run, ms);
  // Shutdown sends pending Call Completed events itself; a timer must not hold the process open.
  timer.unref();
  return () => clearTimeout(timer);
};

/**
 * Turns call-loop events into Segment calls: identify (on CallPlanned), Call Started (conference_started), Call
 * Completed (after the call's end has settled; duration, turns, outcome from the dataset record) and Call Analyzed
 * (TranscriptAnalyzed). Redelivered events map to the same messageIds and are sent once per process; Segment
 * deduplicates by messageId across restarts, and the file adapter skips ids already in segment.jsonl.
 */
export class SegmentPublisher {
  private readonly tracker = new SegmentCallTracker(() => this.nowMs());
  // Only for Call Completed: its record joins the plan, replies (turns) and lifecycle (duration, end reason).
  private readonly dataset = new DatasetBuilder(() => this.nowMs());
  private readonly finished = new Set<string>();
  private readonly pending = new Map<string, () => void>();
  private readonly schedule: Schedule;
  /** Calls sent in full but kept a while for a late Call Analyzed: the cancel of each one's release timer. */
  private readonly retained = new Map<string, () => void>();
  private subs: Subscription[] = [];
  private chain: Promise<void> = Promise.resolve();
  private started = false;
  private closed = false;
  private lastSweep = 0;

  constructor(private readonly o: SegmentPublisherOptions) {
    this.schedule = o.schedule ?? realSchedule;
  }

  get subscribed(): boolean {
    return this.started && !this.closed;
  }

  async start(): Promise<void> {
    const t = {
      calls: this.o.topics?.calls ?? TOPICS.calls,
      replies: this.o.topics?.replies ?? TOPICS.replies,
      callEvents: this.o.topics?.callEvents ?? TOPICS.callEvents,
      transcripts: this.o.topics?.transcripts ?? TOPICS.transcripts,
    };
    const group = this.o.group ?? 'analytics-sink-segment';
    const fromBeginning = true;
    const replay = this.o.replayMs === undefined ? {} : { replayMs: this.o.replayMs };
    this.lastSweep = this.nowMs();
    this.subs = [
      await this.o.bus.subscribe({
        topic: t.calls,
        group: `${group}-calls`,
        fromBeginning,
        ...replay,
        handler: async ({ value }) => {
          this.dataset.onPlanned(value, this.nowMs());
          await this.sendAll(this.tracker.onPlanned(value));
          this.checkFinished(value.callId);
          this.sweepIfDue();
        },
      }),
      await this.o.bus.subscribe({
        topic: t.replies,
        group: `${group}-replies`,
        fromBeginning,
        ...replay,
        handler: async ({ value, headers }) => {
          this.dataset.onReply(value, headers[SPOKEN_HEADER] === 'true');
          this.sweepIfDue();
        },
      }),
      await this.o.bus.subscribe({
        topic: t.callEvents,
        group: `${group}-call-events`,
        fromBeginning,
        ...replay,
        handler: async ({ value }) => {
          this.dataset.onLifecycle(value);
          await this.sendAll(this.tracker.onLifecycle(value));
          this.checkFinished(value.callId);
          this.sweepIfDue();
        },
      }),
      await this.o.bus.subscribe({
        topic: t.transcripts,
        group: `${group}-transcripts`,
        fromBeginning,
        ...replay,
        handler: async ({ value }) => {
          await this.sendAll(this.tracker.onAnalyzed(value));
          this.releaseIfDone(value.callId);
          this.sweepIfDue();
        },
      }),
    ];
    this.started = true;
  }

  /** Sends Call Completed for every finished call now, without waiting for its settle period. */
  async flush(): Promise<void> {
    for (const [callId, cancel] of [...this.pending]) {
      cancel();
      this.complete(callId);
    }
    await this.chain;
  }

  /**
   * Stops intake, sends what finished, then flushes the Segment client (analytics-node's closeAndFlush). With replayMs
   * a call still settling is left to the replay of the next start (or of the replica taking its partitions): sent now
   * it would lack its last values, and its messageId could never carry them.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(this.subs.map((s) => s.close()));
    if (!this.o.replayMs) await this.flush();
    else this.abandonPending();
    await this.chain;
    // Nothing is released after close: the timers that would do it go too, so none outlives the publisher.
    for (const cancel of this.retained.values()) cancel();
    this.retained.clear();
    await this.o.segment.close();
  }

  private abandonPending(): void {
    if (this.pending.size === 0) return;
    for (const cancel of this.pending.values()) cancel();
    this.o.logger.info(
      { calls: [...this.pending.keys()] },
      'Call Completed of calls still settling is left to the replay after restart',
    );
    this.pending.clear();
  }

  private async sendAll(messages: SegmentMessage[]): Promise<void> {
    for (const m of messages) await this.o.segment.send(m);
  }

  /**
   * Call Completed is sent once per call and its messageId never changes, so it must carry the final values: it waits
   * for the conversation's end (call_ended) and the conference's end (conference_ended: the duration), then settles.
   * A conference end that never comes delays it by at most conferenceEndWaitMs.
   */
  private checkFinished(callId: string): void {
    if (this.finished.has(callId) || !this.dataset.isFinished(callId)) return;
    const record = this.dataset.record(callId);
    // A call that failed to start has no conference to wait for (outcome is null only then, once finished).
    const failed = record.outcome === null;
    if (record.durationSec === null && !failed) {
      if (!this.pending.has(callId)) {
        const waitMs = Math.max(this.o.settleMs, this.o.conferenceEndWaitMs ?? 30_000);
        this.pending.set(
          callId,
          this.schedule(() => this.complete(callId), waitMs),
        );
      }
      return;
    }
    this.finished.add(callId);
    this.pending.get(callId)?.();
    this.pending.set(
      callId,
      this.schedule(() => this.complete(callId), this.o.settleMs),
    );
  }

  private complete(callId: string): void {
    this.pending.delete(callId);
    this.finished.add(callId);
    this.chain = this.chain.then(async () => {
      try {
        await this.sendAll(this.tracker.onCompleted(this.dataset.record(callId)));
      } catch (err) {
        // Its events were consumed already; the log is the only trace left of the lost Call Completed.
        this.o.logger.error({ err, callId }, 'could not send Call Completed to Segment');
      }
      this.releaseIfDone(callId);
      this.sweepAbandoned();
      // A call without Voice Intelligence results never sends Call Analyzed: drop it after a while all the same.
      if (this.dataset.has(callId) && !this.closed)
        this.retained.set(
          callId,
          this.schedule(() => this.release(callId), this.o.retainMs ?? DEFAULT_RETAIN_MS),
        );
    });
  }

  /** Calls held in memory (not yet sent in full). */
  get callsInMemory(): number {
    return this.tracker.size;
  }

  /** Per-call state held now, map by map (tests check that a long run holds none of it for calls long gone). */
  heldCalls(): Record<string, number> {
    return {
      tracked: this.tracker.size,
      sent: this.tracker.sentMessages,
      calls: this.dataset.size,
      waitingForPlan: this.dataset.waitingCalls,
      finished: this.finished.size,
      pending: this.pending.size,
    };
  }

  /** A call whose four Segment calls all went out is dropped from memory; its later events send nothing. */
  private releaseIfDone(callId: string): void {
    if (!this.finished.has(callId) || this.pending.has(callId) || !this.tracker.allSent(callId)) return;
    this.release(callId);
  }

  private release(callId: string): void {
    this.retained.get(callId)?.();
    this.retained.delete(callId);
    this.tracker.forget(callId);
    this.dataset.forget(callId);
    this.finished.delete(callId);
  }

  private nowMs(): number {
    return (this.o.now?.() ?? new Date()).getTime();
  }

  private sweepIfDue(): void {
    const abandonMs = this.o.abandonMs ?? DEFAULT_ABANDON_MS;
    if (this.nowMs() - this.lastSweep >= Math.min(SWEEP_EVERY_MS, abandonMs)) this.sweepAbandoned();
  }

  /**
   * Drops calls that never completed here and had no event for abandonMs: planned here but a rebalance moved their
   * partitions to another replica, or waiting for a plan that went elsewhere or was lost.
   */
  private sweepAbandoned(): void {
    const now = this.nowMs();
    this.lastSweep = now;
    const before = now - (this.o.abandonMs ?? DEFAULT_ABANDON_MS);
    const idle = new Set([...this.dataset.abandoned(before), ...this.tracker.waitingSince(before)]);
    for (const callId of idle) this.release(callId);
  }
}
