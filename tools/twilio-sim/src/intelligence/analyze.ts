import { createHash } from 'node:crypto';
import { classifyCallReason } from './call-reason.js';
import { extractPii, type PiiEntity } from './pii.js';
import { analyzeSentiment } from './sentiment.js';
import { summarize } from './summary.js';
import type { AnalysisSentence, ChannelParticipant, OperatorType, TwilioOperatorResult } from './types.js';

/** A stable LY… SID per operator name, so the same operator has the same SID in every run and every process. */
function operatorSid(name: string): string {
  return `LY${createHash('sha256').update(`twilio-sim operator:${name}`).digest('hex').slice(0, 32)}`;
}

export interface SimOperator {
  name: string;
  sid: string;
  operatorType: OperatorType;
}

/** The operators the simulated Voice Intelligence service runs on every transcript, in result order. */
export const OPERATORS = {
  sentiment: {
    name: 'Sentiment Analysis',
    sid: operatorSid('Sentiment Analysis'),
    operatorType: 'conversation-classify',
  },
  pii: { name: 'PII Extraction', sid: operatorSid('PII Extraction'), operatorType: 'pii-extract' },
  callReason: { name: 'Call Reason', sid: operatorSid('Call Reason'), operatorType: 'conversation-classify' },
  summary: { name: 'Summarization', sid: operatorSid('Summarization'), operatorType: 'text-generation' },
} as const satisfies Record<string, SimOperator>;

export interface AnalyzeTranscriptInput {
  /** GT… SID; goes into every result's `transcript_sid` and `url`. */
  transcriptSid: string;
  sentences: readonly AnalysisSentence[];
  participants: readonly ChannelParticipant[];
  /** Origin of result URLs; defaults to Twilio's. Pass the sim's public origin to make them fetchable. */
  baseUrl?: string;
  /**
   * The operators attached to the service, in result order, each reported under its own SID and name
   * (see `operatorKindOf` for how a name picks the analysis). Default: all of `OPERATORS`.
   */
  operators?: readonly { sid: string; name: string }[];
}

const EMPTY = {
  extract_match: null,
  match_probability: null,
  normalized_result: null,
  utterance_results: null,
  utterance_match: null,
  predicted_label: null,
  predicted_probability: null,
  label_probabilities: null,
  extract_results: null,
  text_generation_results: null,
  json_results: null,
} as const;

/**
 * Runs every operator over a transcript and returns `OperatorResult` objects in the spec's shape. Pure and
 * deterministic: same sentences, same results.
 *
 * The spec leaves `utterance_results` items and `extract_results` untyped; the shapes used here are documented in
 * README.md and are what the gateway reads.
 */
export function analyzeTranscript(input: AnalyzeTranscriptInput): TwilioOperatorResult[] {
  const origin = (input.baseUrl ?? 'https://intelligence.twilio.com').replace(/\/$/, '');
  const base = (kind: OperatorKind, requested: { sid: string; name: string }) => ({
    operator_type: OPERATORS[kind].operatorType,
    name: requested.name,
    operator_sid: requested.sid,
    ...EMPTY,
    transcript_sid: input.transcriptSid,
    url: `${origin}/v2/Transcripts/${input.transcriptSid}/OperatorResults/${requested.sid}`,
  });
  const requested = input.operators ?? Object.values(OPERATORS);
  const results: TwilioOperatorResult[] = [];
  for (const operator of requested) {
    const kind = operatorKindOf(operator.name);
    if (kind === undefined) continue;
    results.push({ ...base(kind, operator), ...RUNNERS[kind](input) });
  }
  return results;
}

export type OperatorKind = keyof typeof OPERATORS;

/**
 * Which analysis an attached operator is. Our own names match exactly; otherwise by the words Twilio's pre-built
 * and typical custom operators use in their names ("Sentiment", "PII Redaction", "Conversation Summary",
 * "Call Reason"/"Intent"). Unknown operators produce no result, as an operator Twilio cannot run would not.
 */
export function operatorKindOf(name: string): OperatorKind | undefined {
  for (const [kind, operator] of Object.entries(OPERATORS))
    if (operator.name === name) return kind as OperatorKind;
  const lower = name.toLowerCase();
  if (lower.includes('sentiment')) return 'sentiment';
  if (/\bpii\b|entity|redact|personal/.test(lower)) return 'pii';
  if (lower.includes('summar')) return 'summary';
  if (/reason|intent|classif|topic|categor/.test(lower)) return 'callReason';
  return undefined;
}

type Fields = Partial<
  Omit<TwilioOperatorResult, 'operator_type' | 'name' | 'operator_sid' | 'transcript_sid' | 'url'>
>;

const RUNNERS: Record<OperatorKind, (input: AnalyzeTranscriptInput) => Fields> = {
  sentiment: ({ sentences, participants }) => {
    const sentiment = analyzeSentiment(sentences, participants);
    return {
      predicted_label: sentiment.label,
      predicted_probability: sentiment.probability,
      label_probabilities: sentiment.probabilities,
      utterance_results: sentiment.utterances.map((u) => ({
        utterance_index: u.sentenceIndex,
        media_channel: u.mediaChannel,
        predicted_label: u.label,
        predicted_probability: u.probability,
        label_probabilities: u.probabilities,
        score: u.score,
      })),
    };
  },
  pii: ({ sentences }) => {
    const pii = extractPii(sentences);
    return {
      extract_match: pii.length > 0,
      utterance_match: pii.length > 0,
      match_probability: pii.length > 0 ? Math.max(...pii.map((e) => e.confidence)) : 0,
      extract_results: groupByType(pii),
      utterance_results: piiUtterances(pii),
    };
  },
  callReason: ({ sentences, participants }) => {
    const reason = classifyCallReason(sentences, participants);
    return {
      predicted_label: reason.label,
      predicted_probability: reason.probability,
      label_probabilities: reason.probabilities,
      utterance_results: [],
    };
  },
  summary: ({ sentences, participants }) => ({
    text_generation_results: { result: summarize(sentences, participants).text, format: 'text' },
    utterance_results: [],
  }),
};

function groupByType(entities: readonly PiiEntity[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const entity of entities) {
    const values = out[entity.type] ?? [];
    if (!values.includes(entity.value)) values.push(entity.value);
    out[entity.type] = values;
  }
  return out;
}

function piiUtterances(entities: readonly PiiEntity[]): unknown[] {
  const bySentence = new Map<number, PiiEntity[]>();
  for (const entity of entities)
    bySentence.set(entity.sentenceIndex, [...(bySentence.get(entity.sentenceIndex) ?? []), entity]);
  return [...bySentence.entries()].map(([index, parts]) => ({
    utterance_index: index,
    media_channel: parts[0]?.mediaChannel ?? null,
    match_probability: Math.max(...parts.map((p) => p.confidence)),
    utterance_parts: parts.map((p) => ({
      label: p.type,
      text: p.text,
      normalized_value: p.value,
      start: p.start,
      end: p.end,
      match_probability: p.confidence,
    })),
  }));
}
