import type { EventBus } from '@synthcall/event-bus';
import {
  type CallLifecycle,
  type CallPlanned,
  exampleEvents,
  type GroundTruthRecorded,
  type RecordingCompleted,
  type ReplyReady,
  SPOKEN_HEADER,
  TOPICS,
  type TopicBinding,
  type TranscriptAnalyzed,
  type UtteranceHeard,
} from '@synthcall/schemas';

/** Every event of one call as the call-loop topics carry it, built on `exampleEvents(callId)`. */
export interface CallEvents {
  callId: string;
  planned: CallPlanned;
  started: CallLifecycle;
  /** One reply per turn, agent first, roles alternating. */
  replies: ReplyReady[];
  /** What the other leg heard of each turn. */
  heard: UtteranceHeard[];
  ended: CallLifecycle;
  /** The engine's ground truth, published when the call ends: by default every reply as a template line, no PII. */
  groundTruth: GroundTruthRecorded;
  conferenceEnded: CallLifecycle;
  recording: RecordingCompleted;
  analyzed: TranscriptAnalyzed;
}

/** Fields that replace the defaults; the per-turn ones get the turn and the role of who spoke. */
export interface CallEventsOverrides {
  /** Default 4. */
  turns?: number;
  planned?: Partial<CallPlanned>;
  started?: Partial<CallLifecycle>;
  reply?: (turn: number, role: ReplyReady['role']) => Partial<ReplyReady>;
  heard?: (turn: number, role: ReplyReady['role']) => Partial<UtteranceHeard>;
  ended?: Partial<CallLifecycle>;
  groundTruth?: Partial<GroundTruthRecorded>;
  conferenceEnded?: Partial<CallLifecycle>;
  recording?: Partial<RecordingCompleted>;
  analyzed?: Partial<TranscriptAnalyzed>;
}

const speaker = (turn: number): ReplyReady['role'] => (turn % 2 === 0 ? 'agent' : 'customer');

/**
 * A complete call that ends resolved by the agent: its plan, conference start, each turn's reply and what was heard
 * of it, the end, the engine's ground truth, the conference end, the recording and its Voice Intelligence results.
 */
export function callEvents(callId: string, o: CallEventsOverrides = {}): CallEvents {
  const ex = exampleEvents(callId);
  const turns = Array.from({ length: o.turns ?? 4 }, (_, turn) => turn);
  const replies: ReplyReady[] = turns.map((turn) => ({
    ...ex.ReplyReady,
    eventId: `${callId}:r${turn}`,
    role: speaker(turn),
    turn,
    text: `line ${turn}`,
    ...o.reply?.(turn, speaker(turn)),
  }));
  return {
    callId,
    planned: { ...ex.CallPlanned, ...o.planned },
    started: { ...ex.CallLifecycle, eventId: `${callId}:start`, type: 'conference_started', ...o.started },
    replies,
    heard: turns.map((turn) => ({
      ...ex.UtteranceHeard,
      eventId: `${callId}:h${turn}`,
      role: speaker(turn) === 'agent' ? 'customer' : 'agent',
      turn,
      text: `heard ${turn}`,
      ...o.heard?.(turn, speaker(turn)),
    })),
    ended: {
      ...ex.CallLifecycle,
      eventId: `${callId}:ended`,
      type: 'call_ended',
      endReason: 'resolved',
      endedBy: 'agent',
      ...o.ended,
    },
    groundTruth: {
      ...ex.GroundTruthRecorded,
      pii: [],
      turns: replies.map((r) => ({
        turn: r.turn,
        role: r.role,
        move: 'step',
        realizedBy: 'template',
        text: r.text,
        plannedPii: [],
      })),
      ...o.groundTruth,
    },
    conferenceEnded: {
      ...ex.CallLifecycle,
      eventId: `${callId}:conf-ended`,
      type: 'conference_ended',
      ...o.conferenceEnded,
    },
    recording: { ...ex.RecordingCompleted, ...o.recording },
    analyzed: { ...ex.TranscriptAnalyzed, ...o.analyzed },
  };
}

export type CallEventPart =
  | 'planned'
  | 'started'
  | 'replies'
  | 'heard'
  | 'ended'
  | 'groundTruth'
  | 'conferenceEnded'
  | 'recording'
  | 'analyzed';

export const ALL_CALL_EVENT_PARTS: readonly CallEventPart[] = [
  'planned',
  'started',
  'replies',
  'heard',
  'ended',
  'groundTruth',
  'conferenceEnded',
  'recording',
  'analyzed',
];

/** The topics a call's events go to; tests with their own topic names pass theirs. */
export interface CallTopics {
  calls: TopicBinding<'CallPlanned'>;
  replies: TopicBinding<'ReplyReady'>;
  utterances: TopicBinding<'UtteranceHeard'>;
  callEvents: TopicBinding<'CallLifecycle'>;
  groundTruth: TopicBinding<'GroundTruthRecorded'>;
  recordings: TopicBinding<'RecordingCompleted'>;
  transcripts: TopicBinding<'TranscriptAnalyzed'>;
}

/**
 * Publishes the chosen parts of a call in the order a call makes them (plan, start, each turn's reply then what was
 * heard, end, ground truth, conference end, recording, results), whatever order `parts` lists them in.
 */
export async function publishCall(
  bus: Pick<EventBus, 'publish'>,
  e: CallEvents,
  parts: readonly CallEventPart[] = ALL_CALL_EVENT_PARTS,
  topics: Partial<CallTopics> = {},
): Promise<void> {
  const t: CallTopics = { ...TOPICS, ...topics };
  const has = new Set(parts);
  const key = e.callId;
  if (has.has('planned')) await bus.publish(t.calls, key, e.planned);
  if (has.has('started')) await bus.publish(t.callEvents, key, e.started);
  // Paired by turn, so a test can publish a slice of the turns (`{...e, replies: e.replies.slice(2)}`).
  const turns = [...new Set([...e.replies, ...e.heard].map((x) => x.turn))].sort((x, y) => x - y);
  for (const turn of turns) {
    // As in a run: the engine's line, then the gateway's record that it gave the line to the leg.
    if (has.has('replies'))
      for (const r of e.replies.filter((x) => x.turn === turn)) {
        await bus.publish(t.replies, key, r);
        await bus.publish(t.replies, key, r, { [SPOKEN_HEADER]: 'true' });
      }
    if (has.has('heard'))
      for (const h of e.heard.filter((x) => x.turn === turn)) await bus.publish(t.utterances, key, h);
  }
  if (has.has('ended')) await bus.publish(t.callEvents, key, e.ended);
  if (has.has('groundTruth')) await bus.publish(t.groundTruth, key, e.groundTruth);
  if (has.has('conferenceEnded')) await bus.publish(t.callEvents, key, e.conferenceEnded);
  if (has.has('recording')) await bus.publish(t.recordings, key, e.recording);
  if (has.has('analyzed')) await bus.publish(t.transcripts, key, e.analyzed);
}
