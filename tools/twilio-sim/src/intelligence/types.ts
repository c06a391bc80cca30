/** The two roles Voice Intelligence assigns to channel participants by default. */
export type ParticipantRole = 'Customer' | 'Agent';

/** A transcript's `channel.participants[]` entry, reduced to what analysis needs. */
export interface ChannelParticipant {
  /** `channel_participant`: the media channel (1 or 2) this participant was recorded on. */
  channel: number;
  /** As the transcript's channel says: `Customer`/`Agent` (any case); other roles are ignored by the analysis. */
  role: string | undefined;
}

export interface WordTime {
  word: string;
  startTime: number;
  endTime: number;
}

/** A sentence as analysis reads it: numbers as numbers, camelCase. `toAnalysisSentences` converts wire sentences. */
export interface AnalysisSentence {
  mediaChannel: number;
  sentenceIndex: number;
  /** Seconds from the start of the recording. */
  startTime: number;
  endTime: number;
  transcript: string;
  /** 0–1. */
  confidence: number;
  words: WordTime[];
}

/**
 * A Sentence exactly as `GET /v2/Transcripts/{Sid}/Sentences` returns it. The spec types `start_time`,
 * `end_time` and `confidence` as strings (twilio-node does too), so they are decimal strings here; `words`
 * entries follow the spec example's keys.
 */
export interface TwilioSentence {
  media_channel: number;
  sentence_index: number;
  start_time: string;
  end_time: string;
  transcript: string;
  sid: string;
  confidence: string;
  words: { word: string; start_time: string; end_time: string }[];
}

export type OperatorType =
  | 'conversation-classify'
  | 'utterance-classify'
  | 'extract'
  | 'extract-normalize'
  | 'pii-extract'
  | 'text-generation'
  | 'json';

/** An OperatorResult exactly as `GET /v2/Transcripts/{Sid}/OperatorResults` returns it (every field present). */
export interface TwilioOperatorResult {
  operator_type: OperatorType;
  name: string;
  operator_sid: string;
  extract_match: boolean | null;
  match_probability: number | null;
  normalized_result: string | null;
  utterance_results: unknown[] | null;
  utterance_match: boolean | null;
  predicted_label: string | null;
  predicted_probability: number | null;
  label_probabilities: Record<string, number> | null;
  extract_results: Record<string, string[]> | null;
  text_generation_results: { result: string; format: 'text' } | null;
  json_results: unknown;
  transcript_sid: string;
  url: string;
}
