export { type AnalyzeTranscriptInput, analyzeTranscript, OPERATORS, type SimOperator } from './analyze.js';
export { type CallReasonResult, classifyCallReason } from './call-reason.js';
export {
  CALL_REASONS,
  type CallReason,
  ISSUE_CATEGORY_TO_CALL_REASON,
} from './call-reason-corpus.js';
export { IntelligenceError, type IntelligenceErrorCode } from './errors.js';
export { extractPii, PII_TYPES, type PiiEntity, type PiiType } from './pii.js';
export {
  type BuildSentencesOptions,
  buildSentences,
  type SpokenTurn,
  toAnalysisSentences,
} from './sentences.js';
export {
  analyzeSentiment,
  type ConversationSentiment,
  SENTIMENT_LABELS,
  type SentimentLabel,
  type UtteranceSentiment,
} from './sentiment.js';
export { type SummaryResult, summarize } from './summary.js';
export type {
  AnalysisSentence,
  ChannelParticipant,
  OperatorType,
  ParticipantRole,
  TwilioOperatorResult,
  TwilioSentence,
  WordTime,
} from './types.js';
