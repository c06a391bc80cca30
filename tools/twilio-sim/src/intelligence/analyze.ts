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
  const base = (operator: SimOperator) => ({
    operator_type: operator.operatorType,
    name: operator.name,
    operator_sid: operator.sid,
    ...EMPTY,
    transcript_sid: input.transcriptSid,
    url: `${(input.baseUrl ?? 'https://intelligence.twilio.com').replace(/\/$/, '')}/v2/Transcripts/${input.transcriptSid}/OperatorResults/${operator.sid}`,
  });

  const sentiment = analyzeSentiment(input.sentences, input.participants);
  const pii = extractPii(input.sentences);
  const reason = classifyCallReason(input.sentences, input.participants);
  const summary = summarize(input.sentences, input.participants);

  return [
    {
      ...base(OPERATORS.sentiment),
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
    },
    {
      ...base(OPERATORS.pii),
      extract_match: pii.length > 0,
      utterance_match: pii.length > 0,
      match_probability: pii.length > 0 ? Math.max(...pii.map((e) => e.confidence)) : 0,
      extract_results: groupByType(pii),
      utterance_results: piiUtterances(pii),
    },
    {
      ...base(OPERATORS.callReason),
      predicted_label: reason.label,
      predicted_probability: reason.probability,
      label_probabilities: reason.probabilities,
      utterance_results: [],
    },
    {
      ...base(OPERATORS.summary),
      text_generation_results: { result: summary.text, format: 'text' },
      utterance_results: [],
    },
  ];
}

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
