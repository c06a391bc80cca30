// Generated from schemas/avro/*.avsc by `npm run generate -w @synthcall/schemas`. Do not edit.

/** How customers are paired with agents. */
export const PairingStrategyValues = ['matched', 'random', 'stress', 'coverage'] as const;
export type PairingStrategy = (typeof PairingStrategyValues)[number];

/** Restricts which personas may be picked. Empty arrays and nulls mean no restriction. */
export interface PersonaFilter {
  /** Only these persona ids. */
  ids: Array<string>;
  /** Only personas of these industries (customers) or with these industry skills (agents). */
  industries: Array<string>;
  /** Customers: lowest issue complexity (1-5). Agents: lowest competence (1-5). */
  minComplexity: null | number;
  /** Customers: highest issue complexity (1-5). Agents: highest competence (1-5). */
  maxComplexity: null | number;
}

/** Where calls happen. */
export const CallModeValues = ['simulated', 'live'] as const;
export type CallMode = (typeof CallModeValues)[number];

/** A request to generate one or more synthetic calls. Topic call-requests, key = requestId. */
export interface CallRequested {
  /** Unique id of this request; also the Kafka key. Re-sending the same requestId must not create calls twice. Grammar (schemas/src/ids.ts): 1 to 64 ASCII letters, digits, '.', '_' and '-', starting with a letter or digit; a request with any other id is dead-lettered with SYNTH_REQUEST_ID_INVALID. */
  requestId: string;
  /** When the request was made (UTC). */
  requestedAt: Date;
  /** Number of calls to generate for this request (1 or more). */
  count: number;
  /** Pairing strategy: matched (complexity vs competence and skills), random, stress (deliberate mismatch), coverage (walk the persona grid evenly). */
  strategy: PairingStrategy;
  /** Which customers may be used; null = all. */
  customerFilter: null | PersonaFilter;
  /** Which agents may be used; null = all. */
  agentFilter: null | PersonaFilter;
  /** Seed for pairing and dialogue; the same seed reproduces the same calls. */
  seed: string;
  /** simulated = twilio-sim, live = real Twilio. */
  mode: CallMode;
  /** Hard cap on turns per call (both roles counted); the call ends with endReason max_turns when reached. */
  maxTurns: number;
  /** Free-text origin of the request (CLI user, job name); for audit only. */
  requestedBy: null | string;
}

/** The persona playing one role, as needed downstream without reloading persona files. */
export interface PersonaRef {
  /** Persona id (stable slug). */
  id: string;
  /** Display name of the persona (synthetic). */
  name: string;
  /** Text-to-speech voice used for this role, e.g. Polly.Joanna-Neural. */
  voice: string;
  /** BCP-47 language of the role. */
  language: string;
}

/** What the call is about, as planned. */
export interface Scenario {
  /** Industry of the customer's issue (telecom, banking, ...). */
  industry: string;
  /** Category of the issue (billing_dispute, outage, ...). */
  issueCategory: string;
  /** Issue complexity from 1 (trivial) to 5 (hard). */
  issueComplexity: number;
  /** The customer's demeanor at the start of the call. */
  demeanor: string;
  /** One-sentence description of the issue. */
  summary: string;
}

/** How a call ends for the customer. */
export const OutcomeValues = ['resolved', 'escalated', 'unresolved', 'abandoned'] as const;
export type Outcome = (typeof OutcomeValues)[number];

/** Twilio identifiers of the call; null until known. */
export interface TwilioRefs {
  /** FriendlyName of the conference. */
  conferenceName: string;
  /** CF... SID, once the conference exists. */
  conferenceSid: null | string;
  /** CA... SID of the agent participant's leg. */
  agentCallSid: null | string;
  /** CA... SID of the customer participant's leg. */
  customerCallSid: null | string;
}

/** The orchestrator paired a customer with an agent and placed the conference. Topic calls, key = callId. */
export interface CallPlanned {
  /** Unique id of this event; consumers deduplicate on it. */
  eventId: string;
  /** synthcall's id of the call; the Kafka key of every event of the call. */
  callId: string;
  /** The CallRequested this call belongs to. */
  requestId: string;
  /** When the call was planned (UTC). */
  plannedAt: Date;
  /** The customer persona. */
  customer: PersonaRef;
  /** The agent persona. */
  agent: PersonaRef;
  /** The planned scenario. */
  scenario: Scenario;
  /** The pairing strategy that chose this pair. */
  strategy: PairingStrategy;
  /** Fit of agent to customer from 0 (mismatch) to 1 (ideal), as computed by the strategy. */
  pairingScore: number;
  /** The outcome the scenario is expected to reach (ground truth intent). */
  expectedOutcome: Outcome;
  /** Seed of this call's dialogue; reproduces the same turns. */
  seed: string;
  /** simulated (twilio-sim) or live (Twilio). */
  mode: CallMode;
  /** Hard cap on turns for this call. */
  maxTurns: number;
  /** Twilio identifiers. */
  twilio: TwilioRefs;
}

/** A party of the call. */
export const RoleValues = ['customer', 'agent'] as const;
export type Role = (typeof RoleValues)[number];

/** A leg's speech Gather heard something (or nothing). Topic utterances, key = callId. */
export interface UtteranceHeard {
  /** Unique id of this event; (callId, role, turn) is the idempotency key. */
  eventId: string;
  /** synthcall call id. */
  callId: string;
  /** The role that heard the utterance (and must answer it). */
  role: Role;
  /** Turn number of the utterance that was heard (0 = the agent's greeting). */
  turn: number;
  /** What the speech recogniser returned (SpeechResult); empty when nothing was heard. */
  text: string;
  /** Recogniser confidence 0-1 (Twilio's Confidence); null when nothing was heard. */
  confidence: null | number;
  /** CA... SID of the leg whose Gather heard it. */
  callSid: string;
  /** When the webhook arrived (UTC). */
  heardAt: Date;
}

/** Why a call ended (unresolved: the agent could not fix it and the caller accepted a follow-up). */
export const EndReasonValues = ['resolved', 'escalated', 'customer_abandoned', 'max_turns', 'loop_detected', 'time_limit', 'error', 'unresolved'] as const;
export type EndReason = (typeof EndReasonValues)[number];

/** The engine's next line for a role. Topic replies, key = callId. */
export interface ReplyReady {
  /** Unique id of this event; (callId, role, turn) is the idempotency key. */
  eventId: string;
  /** synthcall call id. */
  callId: string;
  /** The role that speaks this line. */
  role: Role;
  /** Turn number of this line. */
  turn: number;
  /** The line to speak. */
  text: string;
  /** Text-to-speech voice for <Say voice>. */
  voice: string;
  /** Language for <Say language> and the next <Gather language>. */
  language: string;
  /** True when this is the last line: the gateway answers <Say> then <Hangup>. */
  endCall: boolean;
  /** Why the call ends; set when endCall is true. */
  endReason: null | EndReason;
  /** Who ended the call; set when endCall is true. */
  endedBy: null | Role;
  /** True when the line is a fallback (the model failed or timed out), so the data can exclude it. */
  fallback: boolean;
  /** When the line was produced (UTC). */
  producedAt: Date;
  /** Seconds of silence on the line before this line is said: a hold the speaker kept the other side on, or a wait for the other side (the gateway answers <Pause> first, so it takes call time); null when the line follows at once. */
  pauseSec: null | number;
  /** The speaker of this line cuts into the other side's next line after this many seconds of it: the Gather after this line carries maxSpeechTime, and the other side's line is said in a Gather with bargeIn, so the reply to what was heard so far stops it. null: the speaker lets the other side finish. */
  cutInAfterSec: null | number;
}

/** What happened. */
export const LifecycleTypeValues = ['conference_started', 'conference_ended', 'participant_joined', 'participant_left', 'call_completed', 'call_failed', 'call_ended'] as const;
export type LifecycleType = (typeof LifecycleTypeValues)[number];

/** A call lifecycle event from Twilio's status callbacks. Topic call-events, key = callId. */
export interface CallLifecycle {
  /** Unique id of this event; consumers deduplicate on it. */
  eventId: string;
  /** synthcall call id. */
  callId: string;
  /** The lifecycle step. call_ended is synthcall's own record of why the conversation ended. */
  type: LifecycleType;
  /** When it happened (Twilio's Timestamp when given, UTC). */
  occurredAt: Date;
  /** CF... SID when the event concerns the conference. */
  conferenceSid: null | string;
  /** CA... SID when the event concerns one leg. */
  callSid: null | string;
  /** The participant's role (from ParticipantLabel), when known. */
  role: null | Role;
  /** Twilio's SequenceNumber of conference callbacks, for ordering. */
  sequenceNumber: null | number;
  /** Twilio CallStatus (completed, busy, failed, no-answer, canceled) when relevant. */
  callStatus: null | string;
  /** Duration in seconds, for ended/completed events. */
  durationSec: null | number;
  /** For call_ended: why the conversation ended. */
  endReason: null | EndReason;
  /** For call_ended: who ended it. */
  endedBy: null | Role;
  /** Free text (e.g. Twilio's ReasonConferenceEnded or an error message). */
  detail: null | string;
}

/** Which role speaks on a recording channel. */
export interface ChannelRole {
  /** 1-based channel number (1 = first participant to join). */
  channel: number;
  /** The role on that channel. */
  role: Role;
}

/** The conference's dual-channel recording is available. Topic recordings, key = callId. */
export interface RecordingCompleted {
  /** Unique id of this event; the recording SID makes it idempotent. */
  eventId: string;
  /** synthcall call id. */
  callId: string;
  /** RE... SID of the recording. */
  recordingSid: string;
  /** Twilio's RecordingUrl (append .wav for the media). */
  recordingUrl: string;
  /** CF... SID of the recorded conference. */
  conferenceSid: null | string;
  /** Number of audio channels (2 for dual-channel). */
  channels: number;
  /** Length of the recording in seconds. */
  durationSec: number;
  /** Channel to role map; channel 1 is the customer, who joins first. */
  channelRoles: Array<ChannelRole>;
  /** When the recording completed (UTC). */
  completedAt: Date;
}

/** One recognised sentence. */
export interface TranscriptSentence {
  /** Sentence index in the transcript. */
  index: number;
  /** Media channel the sentence was heard on. */
  channel: number;
  /** Role on that channel, from the channel participants. */
  role: null | Role;
  /** Start, seconds from the start of the recording. */
  startSec: number;
  /** End, seconds from the start of the recording. */
  endSec: number;
  /** Recognised text. */
  text: string;
  /** Recognition confidence 0-1. */
  confidence: null | number;
}

/** The result of one Language Operator. */
export interface OperatorResult {
  /** LY... SID of the operator. */
  operatorSid: string;
  /** Operator name, e.g. Sentiment Analysis. */
  name: string;
  /** Twilio operator_type (conversation_classify, utterance_classify, extract, extract_normalize, pii_extract, text_generation, json). */
  operatorType: string;
  /** Classification label, for classify operators. */
  predictedLabel: null | string;
  /** Probability of the predicted label. */
  predictedProbability: null | number;
  /** Generated text, for text_generation operators (e.g. the summary). */
  textResult: null | string;
  /** Extracted values by entity type, for extract and pii_extract operators. */
  extractResults: Record<string, Array<string>>;
  /** The operator result as Twilio returned it, JSON-encoded, so no detail is lost. */
  rawJson: string;
}

/** Voice Intelligence finished a transcript of the call's recording. Topic transcripts, key = callId. */
export interface TranscriptAnalyzed {
  /** Unique id of this event; the transcript SID makes it idempotent. */
  eventId: string;
  /** synthcall call id (the transcript's customer key). */
  callId: string;
  /** GT... SID of the Voice Intelligence transcript. */
  transcriptSid: string;
  /** GA... SID of the Voice Intelligence service. */
  serviceSid: string;
  /** RE... SID of the transcribed recording. */
  recordingSid: null | string;
  /** When the results were fetched (UTC). */
  analyzedAt: Date;
  /** Sentences in order. */
  sentences: Array<TranscriptSentence>;
  /** Results of the operators attached to the service. */
  operatorResults: Array<OperatorResult>;
}

/** Where the conversation is. */
export const ConversationStatusValues = ['active', 'ending', 'ended'] as const;
export type ConversationStatus = (typeof ConversationStatusValues)[number];

/** Chat role from the speaking persona's point of view. */
export const ChatRoleValues = ['system', 'user', 'assistant'] as const;
export type ChatRole = (typeof ChatRoleValues)[number];

/** One message of a role's own history: its own lines are assistant, what it heard is user. */
export interface ChatMessage {
  /** system, user (heard) or assistant (said). */
  role: ChatRole;
  /** Text of the message. */
  content: string;
  /** Turn the message belongs to. */
  turn: number;
}

/** The conversation engine's state of one call: changelog topic conversation-state (compacted), key = callId. A null value (tombstone) deletes a finished call. */
export interface ConversationState {
  /** synthcall call id. */
  callId: string;
  /** Incremented on every change; a consumer ignores a state older than the one it holds. */
  version: number;
  /** When this version was written (UTC). */
  updatedAt: Date;
  /** active = turns flowing; ending = the farewell was sent; ended = the call is over. */
  status: ConversationStatus;
  /** Number of the last turn produced. */
  turn: number;
  /** Hard cap on turns. */
  maxTurns: number;
  /** Customer persona id. */
  customerId: string;
  /** Agent persona id. */
  agentId: string;
  /** Dialogue seed of the call. */
  seed: string;
  /** The customer's history. */
  customerHistory: Array<ChatMessage>;
  /** The agent's history. */
  agentHistory: Array<ChatMessage>;
  /** Why the call ended, once it has. */
  endReason: null | EndReason;
  /** Who ended the call, once it has. */
  endedBy: null | Role;
  /** Language-model tokens used by this call so far. */
  tokensUsed: number;
  /** Number of fallback lines spoken so far. */
  fallbackTurns: number;
  /** Opaque JSON of the dialogue provider's own plan (e.g. the scripted planner's position), so a restarted engine resumes the same plan. */
  providerState: null | string;
}

/** A message a consumer could not decode or handle after bounded retries. Topic dead-letters, key = the original key (its first 1,024 bytes). Always well under the broker's 1 MiB message limit: see truncated. */
export interface DeadLetter {
  /** Topic the message was read from. */
  originalTopic: string;
  /** Partition it was read from. */
  originalPartition: number;
  /** Offset it was read at (a decimal string: Kafka offsets are 64-bit). */
  originalOffset: string;
  /** The original key bytes (the first 1,024 when longer). */
  originalKey: null | Buffer;
  /** The original value bytes, unchanged, so the message can be replayed; only its first 262,144 bytes when it was larger (truncated = true, see originalValueSize and originalValueSha256). */
  originalValue: null | Buffer;
  /** The original headers, in order, up to 16,384 bytes of names and values; later ones are dropped. */
  originalHeaders: Record<string, Buffer>;
  /** Consumer group that gave up on the message. */
  consumerGroup: string;
  /** synthcall error code, e.g. SYNTH_DECODE_FAILED or SYNTH_HANDLER_FAILED. */
  errorCode: string;
  /** Human-readable reason. */
  errorMessage: string;
  /** How many times the handler was tried (0 when the message could not be decoded). */
  attempts: number;
  /** When the consumer gave up (UTC). */
  failedAt: Date;
  /** Size of the whole original value in bytes; null when it had none (a tombstone). */
  originalValueSize: null | number;
  /** SHA-256 of the whole original value, lowercase hex; null when it had none. */
  originalValueSha256: null | string;
  /** Whether the value, key, headers or error message were cut so the dead letter fits the broker's message limit; the original is then found by originalTopic, originalPartition and originalOffset while the topic retains it. */
  truncated: boolean;
}

/** An orchestrator's claim on one call of the daily budget. Topic call-budget (one partition), key = callId. The broker's offset order is the claim order; a call's rank is the number of distinct calls first claimed before it in the UTC day, so a call claimed twice (a redelivered request) takes one slot. */
export interface CallBudgetClaim {
  /** The call the claim is for. */
  callId: string;
  /** UTC day the claim counts against, YYYY-MM-DD. */
  day: string;
  /** When the claim was made (UTC). */
  claimedAt: Date;
  /** Which orchestrator instance claimed it; for audit only. */
  claimedBy: null | string;
}

/** How the director planned the call to end. */
export const IntendedOutcomeValues = ['resolved', 'escalated', 'customer_abandoned', 'unresolved'] as const;
export type IntendedOutcome = (typeof IntendedOutcomeValues)[number];

/** The customer's demeanor from a turn on. */
export interface DemeanorPoint {
  /** Turn of the customer's line. */
  turn: number;
  /** Demeanor the director gave that line. */
  demeanor: string;
}

/** One occurrence of personal data in a spoken line. */
export interface SpokenPii {
  /** person_name, email_address, phone_number, street_address, postal_code or an identifier kind. */
  type: string;
  /** The characters spoken, equal to text[start, end) of the line. */
  value: string;
  /** Turn of the line. */
  turn: number;
  /** Offset of the first character in the line as spoken (UTF-16 code units). */
  start: number;
  /** Offset after the last character. */
  end: number;
}

/** Who put the move into words. */
export const RealizedByValues = ['model', 'template', 'fallback'] as const;
export type RealizedBy = (typeof RealizedByValues)[number];

/** One line of the call as the director planned it and as it was spoken. */
export interface GroundTruthTurn {
  /** Turn number. */
  turn: number;
  /** Who spoke it. */
  role: Role;
  /** The director's move for the line (greet, verify, disclose, step, propose, farewell, …). */
  move: string;
  /** model = the language model's wording, checked against the plan; template = the director's own line (the scripted provider, or a model line that contradicted the plan); fallback = a canned line spoken because no line was ready. */
  realizedBy: RealizedBy;
  /** The line as spoken. */
  text: string;
  /** PII types the plan had this line disclose; a disclosure the words left out is not in pii. */
  plannedPii: Array<string>;
}

/** A hold the director put the caller on. */
export interface PlannedHold {
  /** Turn of the agent's line said when the hold ends: the hold is the silence of `seconds` played just before that line. */
  turn: number;
  /** Length of the hold in seconds of call time. */
  seconds: number;
}

/** A line cut off by the other side talking over it. */
export interface Interruption {
  /** Turn of the line that was cut. */
  turn: number;
  /** Who was cut off (the speaker of the turn). */
  role: Role;
  /** Who cut in: its next turn started while the line was still being said. */
  by: Role;
  /** Seconds into the line at which the other side started talking. */
  afterSec: number;
  /** The words said before the line stopped (a prefix of the line; the turn's text in turns). */
  said: string;
  /** The words of the line that were not said. */
  cut: string;
}

/** A figure or id of a line that the listener's recogniser got wrong. */
export interface Misunderstanding {
  /** Turn of the line whose figure was misheard. */
  turn: number;
  /** Who said it (the speaker of the turn); the other side misheard it. */
  role: Role;
  /** The figure as it was said. */
  said: string;
  /** The figure as the listener heard it (its recogniser's words, in written form). */
  heard: string;
  /** Whether the listener noticed and read back what it heard (false: it went by unnoticed, and was not repaired). */
  noticed: boolean;
  /** Turn of the listener's read-back of what it heard; null when not noticed. */
  readBackTurn: null | number;
  /** Turn of the speaker's correction after the read-back; null when not noticed or the call ended before it. */
  correctionTurn: null | number;
}

/** self_correction: the agent said a figure wrong and put it right; off_question: the caller answered something other than what was asked; refusal: the caller declined to give what was asked. */
export const DeviationKindValues = ['self_correction', 'off_question', 'refusal'] as const;
export type DeviationKind = (typeof DeviationKindValues)[number];

/** A departure from the plan that people make on calls: the agent misstating a figure of the call, the caller answering another question than the one asked, or declining to answer. */
export interface Deviation {
  /** Turn of the line that departs (the misstated figure, the off-question answer, the refusal). */
  turn: number;
  /** Who said it. */
  role: Role;
  /** What kind of departure it was. */
  kind: DeviationKind;
  /** The words of the turn that make it: the wrong figure (and, corrected in the same breath, the words correcting it), the off-question answer, the refusal. */
  words: string;
  /** The figure as misstated; null for a caller's deviation. */
  wrong: null | string;
  /** The figure from the call's data that was meant; null for a caller's deviation. */
  right: null | string;
  /** Whether it was put right: the figure corrected, the question answered after the agent asked again or offered another way. */
  repaired: boolean;
  /** Turn that put it right (the same turn for a correction in one breath); null when not repaired. */
  repairTurn: null | number;
}

/** The ground truth of one call, for every dialogue provider: what the director planned and what was actually spoken. Topic ground-truth, key = callId. The engine publishes it when the call ends and again (version + 1) if a later event changes what was spoken; a consumer keeps the highest version. All data is synthetic. */
export interface GroundTruthRecorded {
  /** callId:ground_truth:version. */
  eventId: string;
  /** synthcall call id. */
  callId: string;
  /** 1 for the first record of a call; a re-recorded call counts up. */
  version: number;
  /** When this record was produced (UTC). */
  recordedAt: Date;
  /** Always true: every person, id and line of the call is synthetic. */
  synthetic: boolean;
  /** The dialogue provider that realized the lines (scripted, openai). */
  provider: string;
  /** The model name the openai provider asked for; null for the scripted provider. */
  model: null | string;
  /** Dialogue seed of the call: the same seed gives the same plan. */
  seed: string;
  /** The director's planned outcome. */
  intendedOutcome: IntendedOutcome;
  /** The customer's demeanor, one point per customer line. */
  demeanorTrajectory: Array<DemeanorPoint>;
  /** Every piece of PII located in the words actually spoken (exact offsets, checked). */
  pii: Array<SpokenPii>;
  /** Every line of the call in turn order. */
  turns: Array<GroundTruthTurn>;
  /** Every hold of the call, in turn order (the dataset's labels add its start and end in call time). */
  holds: Array<PlannedHold>;
  /** Every line of the call cut off by the other side, in turn order. */
  interruptions: Array<Interruption>;
  /** Every figure of the call that the listener heard differently from what was said, noticed or not, in turn order. */
  misunderstandings: Array<Misunderstanding>;
  /** The agent's misstated figures and the caller's off-question answers and refusals, in turn order. */
  deviations: Array<Deviation>;
  /** Why the call ended. */
  endReason: null | EndReason;
  /** Who ended the call. */
  endedBy: null | Role;
  /** Language-model tokens the call used. */
  tokensUsed: number;
}
