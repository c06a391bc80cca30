import type { EventSchemaName } from './avro.js';
import type * as Events from './generated/events.js';

/** The TypeScript type of each schema's records. */
export interface EventTypes {
  CallRequested: Events.CallRequested;
  CallPlanned: Events.CallPlanned;
  UtteranceHeard: Events.UtteranceHeard;
  ReplyReady: Events.ReplyReady;
  CallLifecycle: Events.CallLifecycle;
  RecordingCompleted: Events.RecordingCompleted;
  TranscriptAnalyzed: Events.TranscriptAnalyzed;
  ConversationState: Events.ConversationState;
  DeadLetter: Events.DeadLetter;
  CallBudgetClaim: Events.CallBudgetClaim;
  GroundTruthRecorded: Events.GroundTruthRecorded;
}

/** A topic name bound to the schema of its values. Tests bind the same schema to their own unique topic names. */
export interface TopicBinding<S extends EventSchemaName = EventSchemaName> {
  readonly name: string;
  readonly schema: S;
}

export type EventOf<B extends TopicBinding> = EventTypes[B['schema']];

export interface TopicSpec<S extends EventSchemaName = EventSchemaName> extends TopicBinding<S> {
  /** What the Kafka key holds. Every call topic is keyed by callId so a call's events stay ordered. */
  readonly key: 'callId' | 'requestId' | 'original key';
  readonly partitions: number;
  /** Topic-level Kafka configs. Replication is set per environment (1 locally, 3 in the prod overlay). */
  readonly config: Readonly<Record<string, string>>;
  readonly doc: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Header of a `replies` record that the twiml-gateway publishes as it gives a line (the engine's or its own fallback)
 * to a leg: the words the leg heard for that (callId, role, turn). Readers that record what was said use these
 * records only: partition order cannot say which reply was spoken (the engine's late line may precede the fallback
 * after a broker outage), and a line the engine produced was never spoken when no gateway answered with it (a
 * gateway that crashed while holding the webhook, a call Twilio had already ended).
 */
export const SPOKEN_HEADER = 'synthcall-spoken';

/**
 * THE topic manifest: every topic, its value schema, partitions and configs, declared once. `npm run stack:up`
 * creates topics from it, the services bind to it, and deploy/k8s generates its KafkaTopic resources from it.
 */
export const TOPICS = {
  callRequests: {
    name: 'call-requests',
    schema: 'CallRequested',
    key: 'requestId',
    partitions: 3,
    config: { 'retention.ms': String(7 * DAY_MS) },
    doc: 'Requests to generate calls (CLI, jobs, any producer using the registry) → orchestrator.',
  },
  calls: {
    name: 'calls',
    schema: 'CallPlanned',
    key: 'callId',
    partitions: 6,
    config: { 'retention.ms': String(7 * DAY_MS) },
    doc: 'Planned calls: personas, scenario, expected outcome, Twilio SIDs. orchestrator → engine, sink.',
  },
  utterances: {
    name: 'utterances',
    schema: 'UtteranceHeard',
    key: 'callId',
    partitions: 6,
    config: { 'retention.ms': String(3 * DAY_MS) },
    doc: 'What a leg heard. gateway → engine.',
  },
  replies: {
    name: 'replies',
    schema: 'ReplyReady',
    key: 'callId',
    partitions: 6,
    config: { 'retention.ms': String(3 * DAY_MS) },
    doc: "The engine's next line for a role. engine → gateway.",
  },
  callEvents: {
    name: 'call-events',
    schema: 'CallLifecycle',
    key: 'callId',
    partitions: 6,
    config: { 'retention.ms': String(7 * DAY_MS) },
    doc: 'Conference, participant and call lifecycle. gateway → sink, engine.',
  },
  recordings: {
    name: 'recordings',
    schema: 'RecordingCompleted',
    key: 'callId',
    partitions: 6,
    config: { 'retention.ms': String(7 * DAY_MS) },
    doc: 'Completed dual-channel recordings with the channel→role map. gateway → sink.',
  },
  transcripts: {
    name: 'transcripts',
    schema: 'TranscriptAnalyzed',
    key: 'callId',
    partitions: 6,
    config: { 'retention.ms': String(7 * DAY_MS) },
    doc: 'Voice Intelligence sentences and operator results. gateway → sink.',
  },
  conversationState: {
    name: 'conversation-state',
    schema: 'ConversationState',
    key: 'callId',
    partitions: 6,
    config: {
      'cleanup.policy': 'compact',
      'min.compaction.lag.ms': '60000',
      'delete.retention.ms': String(DAY_MS),
    },
    doc: "The engine's per-call state changelog (compacted; a tombstone deletes a finished call). engine → engine.",
  },
  groundTruth: {
    name: 'ground-truth',
    schema: 'GroundTruthRecorded',
    key: 'callId',
    partitions: 6,
    config: { 'retention.ms': String(7 * DAY_MS) },
    doc: 'Ground truth of each ended call, for every provider: planned moves, spoken PII with offsets, realizedBy per turn. engine → sink.',
  },
  deadLetters: {
    name: 'dead-letters',
    schema: 'DeadLetter',
    key: 'original key',
    partitions: 1,
    config: { 'retention.ms': String(30 * DAY_MS) },
    doc: 'Messages a consumer could not decode or handle after bounded retries, with the reason. any → operators.',
  },
  callBudget: {
    name: 'call-budget',
    schema: 'CallBudgetClaim',
    key: 'callId',
    // One partition on purpose: the broker serialises claims, so every replica reads them in the same order.
    partitions: 1,
    // LogAppendTime: the broker stamps claims, so timestamps grow with offsets and "first offset of the day" is exact.
    config: { 'retention.ms': String(3 * DAY_MS), 'message.timestamp.type': 'LogAppendTime' },
    doc: 'Daily call-budget claims; offset order = claim order across orchestrator replicas. orchestrator → orchestrator.',
  },
} as const satisfies Record<string, TopicSpec>;

export type TopicKey = keyof typeof TOPICS;

export function topicSpecs(): TopicSpec[] {
  return Object.values(TOPICS);
}

/** Confluent TopicNameStrategy: values of topic T are registered under subject `T-value`. */
export function valueSubject(topicName: string): string {
  return `${topicName}-value`;
}

/** The same schema bound to another topic name (tests use unique names so runs never collide). */
export function bindTopic<S extends EventSchemaName>(schema: S, name: string): TopicBinding<S> {
  return { name, schema };
}
