import { type EventBus, PermanentError, type Subscription } from '@synthcall/event-bus';
import {
  callIdProblem,
  type GroundTruthRecorded,
  requestIdProblem,
  SPOKEN_HEADER,
  TOPICS,
  type TopicBinding,
} from '@synthcall/schemas';
import type { DatasetBuilder } from './domain/dataset.js';

export interface CollectorOptions {
  bus: EventBus;
  dataset: DatasetBuilder;
  /** Consumer-group prefix; each topic gets `<group>-<topic>`. */
  group: string;
  fromBeginning?: boolean;
  /**
   * On (re)joining, deliver again what the topics received in this window (see the bus's replayMs), so calls in flight
   * when the process restarted are rebuilt from their first event instead of being lost.
   */
  replayMs?: number;
  /** Called once per call when its end is known (call_ended or call_failed). */
  onCallFinished?: (callId: string) => void | Promise<void>;
  /** Called when a call's Voice Intelligence results arrive (usually after the call finished). */
  onIntelligence?: (callId: string) => void | Promise<void>;
  /** Called for results of a call the builder does not hold (not planned yet, or already dropped from memory). */
  onIntelligenceWithoutCall?: (callId: string) => void;
  /** Called after a call's ground truth (any version) was applied. */
  onGroundTruth?: (e: GroundTruthRecorded) => void;
  /** After each event is applied (the sink checks for abandoned calls from here). */
  onEvent?: () => void;
  /** The clock that stamps when a plan was received (DatasetBuilder.abandoned). */
  now?: () => Date;
  /** Other names for the same schemas (tests and `generate` use their own topics). */
  topics?: {
    calls?: TopicBinding<'CallPlanned'>;
    replies?: TopicBinding<'ReplyReady'>;
    utterances?: TopicBinding<'UtteranceHeard'>;
    callEvents?: TopicBinding<'CallLifecycle'>;
    recordings?: TopicBinding<'RecordingCompleted'>;
    transcripts?: TopicBinding<'TranscriptAnalyzed'>;
    groundTruth?: TopicBinding<'GroundTruthRecorded'>;
  };
}

/** Feeds a DatasetBuilder from the call-loop topics. Handlers only update memory, so redelivery is harmless. */
export interface DatasetCollector {
  close(): Promise<void>;
  /** Calls whose end was reported (onCallFinished) and that are remembered so it is reported once. */
  readonly finishedCalls: number;
  /** Forgets a call dropped from the dataset (its later events are ignored there, so it cannot finish again). */
  forget(callId: string): void;
}

export async function collectDataset(o: CollectorOptions): Promise<DatasetCollector> {
  const t = { ...TOPICS, ...o.topics };
  const finished = new Set<string>();
  const check = async (callId: string) => {
    if (!finished.has(callId) && o.dataset.isFinished(callId)) {
      finished.add(callId);
      await o.onCallFinished?.(callId);
    }
  };
  const fromBeginning = o.fromBeginning ?? true;
  const replay = o.replayMs === undefined ? {} : { replayMs: o.replayMs };
  const subs: Subscription[] = [
    await o.bus.subscribe({
      topic: t.calls,
      group: `${o.group}-calls`,
      fromBeginning,
      ...replay,
      handler: async ({ value }) => {
        // The plan is what admits a call to the dataset (its id becomes file names): a bad id goes to dead letters.
        const idProblem = callIdProblem(value.callId) ?? requestIdProblem(value.requestId);
        if (idProblem) throw new PermanentError('SYNTH_CALL_ID_INVALID', idProblem);
        o.dataset.onPlanned(value, (o.now?.() ?? new Date()).getTime());
        await check(value.callId);
        o.onEvent?.();
      },
    }),
    await o.bus.subscribe({
      topic: t.replies,
      group: `${o.group}-replies`,
      fromBeginning,
      ...replay,
      handler: async ({ value, headers }) => {
        o.dataset.onReply(value, headers[SPOKEN_HEADER] === 'true');
        o.onEvent?.();
      },
    }),
    await o.bus.subscribe({
      topic: t.utterances,
      group: `${o.group}-utterances`,
      fromBeginning,
      ...replay,
      handler: async ({ value }) => {
        o.dataset.onHeard(value);
        o.onEvent?.();
      },
    }),
    // Labels come from the engine's published ground truth only, never from its private state.
    await o.bus.subscribe({
      topic: t.groundTruth,
      group: `${o.group}-ground-truth`,
      fromBeginning,
      ...replay,
      handler: async ({ value }) => {
        o.dataset.onGroundTruth(value);
        o.onGroundTruth?.(value);
        o.onEvent?.();
      },
    }),
    await o.bus.subscribe({
      topic: t.recordings,
      group: `${o.group}-recordings`,
      fromBeginning,
      ...replay,
      handler: async ({ value }) => {
        o.dataset.onRecording(value);
        o.onEvent?.();
      },
    }),
    await o.bus.subscribe({
      topic: t.transcripts,
      group: `${o.group}-transcripts`,
      fromBeginning,
      ...replay,
      handler: async ({ value }) => {
        o.dataset.onTranscript(value);
        // Results of a call not (or no longer) held wait for its plan, or belong to a call already dropped.
        if (o.dataset.has(value.callId)) await o.onIntelligence?.(value.callId);
        else o.onIntelligenceWithoutCall?.(value.callId);
        o.onEvent?.();
      },
    }),
    await o.bus.subscribe({
      topic: t.callEvents,
      group: `${o.group}-call-events`,
      fromBeginning,
      ...replay,
      handler: async ({ value }) => {
        o.dataset.onLifecycle(value);
        await check(value.callId);
        o.onEvent?.();
      },
    }),
  ];
  return {
    close: async () => {
      await Promise.all(subs.map((s) => s.close()));
    },
    get finishedCalls() {
      return finished.size;
    },
    forget: (callId) => {
      finished.delete(callId);
    },
  };
}
