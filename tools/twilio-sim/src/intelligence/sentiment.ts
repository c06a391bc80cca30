import { nlp } from './nlp.js';
import { channelsWithRole } from './participants.js';
import type { AnalysisSentence, ChannelParticipant } from './types.js';

export const SENTIMENT_LABELS = ['positive', 'negative', 'neutral', 'mixed'] as const;
export type SentimentLabel = (typeof SENTIMENT_LABELS)[number];

export interface UtteranceSentiment {
  sentenceIndex: number;
  mediaChannel: number;
  /** wink-nlp's sentiment score, −1 (negative) … +1 (positive). */
  score: number;
  label: SentimentLabel;
  probability: number;
  probabilities: Record<SentimentLabel, number>;
}

export interface ConversationSentiment {
  label: SentimentLabel;
  probability: number;
  probabilities: Record<SentimentLabel, number>;
  utterances: UtteranceSentiment[];
}

/**
 * Scores become probabilities with a softmax over three logits: k·(s − POSITIVE_FROM) for positive,
 * k·(−s − NEGATIVE_FROM) for negative and 0 for neutral; the label is the most probable one. The thresholds are
 * asymmetric on purpose: contact-center talk is full of politeness ("please", "happy to help") that wink-nlp scores
 * +0.2…+0.4 although nobody is pleased, while complaints score only −0.2…−0.3 ("your service is terrible").
 */
const POSITIVE_FROM = 0.3;
const NEGATIVE_FROM = 0.15;
const SHARPNESS = 8;
/** A sentence whose parts score at least this far apart in both directions is mixed ("thanks, but this is awful"). */
const MIXED_PART_SCORE = 0.25;
/** Neutral lines are most of any call; they should not drown a clear negative or positive signal overall. */
const NEUTRAL_WEIGHT = 0.35;

/** Sentiment of each sentence, and of the conversation as the customer expressed it. */
export function analyzeSentiment(
  sentences: readonly AnalysisSentence[],
  participants: readonly ChannelParticipant[],
): ConversationSentiment {
  const utterances = sentences.map(scoreSentence);
  const customerChannels = channelsWithRole(participants, 'Customer');
  const basis =
    customerChannels.size === 0 ? utterances : utterances.filter((u) => customerChannels.has(u.mediaChannel));
  return { ...overall(basis), utterances };
}

function scoreSentence(sentence: AnalysisSentence): UtteranceSentiment {
  const doc = nlp().readDoc(sentence.transcript);
  const its = nlp().its;
  const score = round(Number(doc.out(its.sentiment)) || 0);
  const parts = (doc.sentences().out(its.sentiment) as unknown[]).map((s) => Number(s) || 0);
  const base = { sentenceIndex: sentence.sentenceIndex, mediaChannel: sentence.mediaChannel, score };
  const mixed = parts.some((s) => s >= MIXED_PART_SCORE) && parts.some((s) => s <= -MIXED_PART_SCORE);
  if (mixed) {
    const spread = Math.min(1, Math.max(...parts) - Math.min(...parts));
    const probabilities = normalise({ positive: 0.15, negative: 0.15, neutral: 0.05, mixed: 0.4 + spread });
    return { ...base, label: 'mixed', probability: probabilities.mixed, probabilities };
  }
  const probabilities = normalise({
    positive: Math.exp(SHARPNESS * (score - POSITIVE_FROM)),
    negative: Math.exp(SHARPNESS * (-score - NEGATIVE_FROM)),
    neutral: 1,
    mixed: 0,
  });
  const label = argmax(probabilities);
  return { ...base, label, probability: probabilities[label], probabilities };
}

function overall(utterances: readonly UtteranceSentiment[]): Omit<ConversationSentiment, 'utterances'> {
  const count = (label: SentimentLabel) => utterances.filter((u) => u.label === label).length;
  const positive = count('positive');
  const negative = count('negative');
  // Both directions present in strength is what "mixed" means for a call: angry at first, grateful at the end.
  const weights = {
    positive: positive + 0.1,
    negative: negative + 0.1,
    neutral: count('neutral') * NEUTRAL_WEIGHT + 0.1,
    mixed: count('mixed') + 2 * Math.min(positive, negative) + 0.05,
  };
  const probabilities = normalise(weights);
  const label = argmax(probabilities);
  return { label, probability: probabilities[label], probabilities };
}

/** Ties go to the first label in this order. */
const TIE_ORDER: readonly SentimentLabel[] = ['mixed', 'negative', 'positive', 'neutral'];

function argmax(probabilities: Record<SentimentLabel, number>): SentimentLabel {
  let best: SentimentLabel = 'neutral';
  let bestValue = -1;
  for (const label of TIE_ORDER) {
    if (probabilities[label] > bestValue) {
      best = label;
      bestValue = probabilities[label];
    }
  }
  return best;
}

function normalise(weights: Record<SentimentLabel, number>): Record<SentimentLabel, number> {
  const total = SENTIMENT_LABELS.reduce((sum, label) => sum + weights[label], 0);
  const out = {} as Record<SentimentLabel, number>;
  for (const label of SENTIMENT_LABELS) out[label] = round(weights[label] / total);
  return out;
}

function round(value: number): number {
  return Math.round(value * 1e4) / 1e4;
}
