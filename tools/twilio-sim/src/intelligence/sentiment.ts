import { createRequire } from 'node:module';
import Sentiment from 'sentiment';
import { channelsWithRole } from './participants.js';
import type { AnalysisSentence, ChannelParticipant } from './types.js';

export const SENTIMENT_LABELS = ['positive', 'negative', 'neutral', 'mixed'] as const;
export type SentimentLabel = (typeof SENTIMENT_LABELS)[number];

export interface UtteranceSentiment {
  sentenceIndex: number;
  mediaChannel: number;
  /** The sentence's valence (AFINN-165 words + contact-center phrases), normalised to −1 (negative) … +1. */
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
 * Words AFINN-165 scores that carry no sentiment in a spoken call: discourse markers and answers ("okay, the
 * account number is…", "right, it's…", "sure, one second", "honestly"), and service vocabulary that is a topic, not
 * a feeling ("cancel my plan", "a credit on my bill", "interest charges"). Plus a few complaint words AFINN lacks or
 * underrates.
 */
const CONTACT_CENTER_WORDS: Readonly<Record<string, number>> = {
  okay: 0,
  ok: 0,
  yes: 0,
  yeah: 0,
  yep: 0,
  sure: 0,
  right: 0,
  alright: 0,
  fine: 0,
  well: 0,
  like: 0,
  please: 0,
  kindly: 0,
  pretty: 0,
  honestly: 0,
  care: 0,
  true: 0,
  clear: 0,
  matter: 0,
  straight: 0,
  interest: 0,
  interested: 0,
  free: 0,
  credit: 0,
  charged: 0,
  charges: 0,
  cancel: 0,
  cancelled: 0,
  canceled: 0,
  cancellation: 0,
  outstanding: 0,
  dispute: 0,
  disputed: 0,
  claim: 0,
  claims: 0,
  no: 0,
  overcharged: -3,
  unacceptable: -3,
  ridiculous: -3,
  nonsense: -3,
  useless: -3,
  exasperated: -3,
  furious: -4,
};

/**
 * Phrases in which callers voice frustration or relief without a single sentiment word, as AFINN-style valences
 * (−5…+5) added to the sentence's word score. Matched on the lower-cased sentence; each counts once per sentence.
 */
const CONTACT_CENTER_PHRASES: readonly (readonly [RegExp, number])[] = [
  [/\bon hold (?:for )?(?:forever|ages|an hour|so long|this long)\b/, -3],
  [/\b(?:been|kept) (?:waiting|on hold)\b|\bwas on hold\b/, -2],
  [
    /\b(?:second|third|fourth|fifth|\d+(?:st|nd|rd|th)) time (?:i(?:'m| am|'ve| have)? ?(?:been )?call|calling)/,
    -3,
  ],
  [
    /\b(?:already|before) (?:explained|told|said|did|tried|done)|(?:explained|told you|said) (?:all )?(?:this|that|it)? ?(?:already|before|twice)\b/,
    -2,
  ],
  [/\b(?:had|have had|i've had) enough\b/, -3],
  [/\b(?:done|fed up|sick|tired) (?:with|of) (?:this|it|you|your|waiting|being)\b/, -3],
  [
    /\bwast(?:e|ed|ing) (?:my|a|an|all|the|whole|half)?\s*(?:whole )?(?:time|morning|afternoon|day|evening|hours?|week)\b/,
    -3,
  ],
  [/\blost (?:a|my|the|all|half)? ?(?:whole )?(?:morning|afternoon|day|day's pay|evening|week)\b/, -3],
  [
    /\b(?:speed (?:this|it|things) up|hurry(?: it| this)? up|taking (?:so|too|this) long|how long (?:is|will|does) (?:this|it|that)\b)/,
    -2,
  ],
  [/\b(?:supervisor|manager|escalate|escalation|complaint|complain)\b/, -2],
  [
    /\bhad better\b|\bbelieve it when i see it\b|\byou(?:'re| are) kidding\b|\bare you serious\b|\bcome on\b/,
    -2,
  ],
  [
    /\b(?:still|never) (?:hasn't|haven't|not|no|arrived|came|got|received|working|fixed)\b|\bstill (?:waiting|down|out|broken)\b/,
    -2,
  ],
  [
    /\b(?:isn't|is not|wasn't|was not|aren't|doesn't|does not|didn't|did not|won't) (?:right|working|work|fixed)\b/,
    -2,
  ],
  [/\bnobody (?:has |have )?(?:helped|helps|called|listens|listened|fixed|bothered)\b/, -3],
  [/\b(?:a|such a|what a|huge|big|real) relief\b/, 3],
  [/\bmade my day\b/, 3],
];

/** The language the analyser is registered under: AFINN-165 as `sentiment` ships it, plus the words above. */
const LANGUAGE = 'en-contact-center';
let analyser: Sentiment | undefined;

/**
 * Built on first use. `registerLanguage` keeps the additions in our own copy of the lexicon: the package's
 * `extras` option would `Object.assign` them into its shared English labels, for every user in the process.
 */
function sentimentAnalyser(): Sentiment {
  if (analyser) return analyser;
  const english = createRequire(import.meta.url)(
    'sentiment/languages/en/index.js',
  ) as Sentiment.LanguageModule;
  analyser = new Sentiment();
  analyser.registerLanguage(LANGUAGE, {
    labels: { ...english.labels, ...CONTACT_CENTER_WORDS },
    scoringStrategy: english.scoringStrategy,
  });
  return analyser;
}

/** VADER's normalisation of a summed valence to −1…+1 (a sum of ±2, one clear word, gives ±0.46). */
const NORMALISATION_ALPHA = 15;
/** A sentence is positive or negative from |score| ≥ 0.4, i.e. a summed valence of at least 2 either way. */
const POLAR_FROM = 0.4;
const SHARPNESS = 8;
/**
 * A sentence with at least this much valence both ways, the weaker side at least half the stronger, is mixed
 * ("thanks, you were great, but this is awful"); one stray word against a clear complaint is not.
 */
const MIXED_VALENCE = 2;
const MIXED_BALANCE = 0.5;
/** Neutral lines are most of any call; they should not drown a clear negative or positive signal overall. */
const NEUTRAL_WEIGHT = 0.2;
/**
 * Callers close with "thank you" however the call went, and rarely complain without cause: a negative line says
 * more about the call than a positive one.
 */
const NEGATIVE_WEIGHT = 1.5;

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
  const analysis = sentimentAnalyser().analyze(sentence.transcript, { language: LANGUAGE });
  let positive = 0;
  let negative = 0;
  for (const entry of analysis.calculation)
    for (const value of Object.values(entry)) {
      if (value > 0) positive += value;
      else negative -= value;
    }
  const lower = sentence.transcript.toLowerCase().replaceAll('’', "'");
  for (const [phrase, valence] of CONTACT_CENTER_PHRASES) {
    if (!phrase.test(lower)) continue;
    if (valence > 0) positive += valence;
    else negative -= valence;
  }
  const valence = positive - negative;
  const score = round(valence / Math.sqrt(valence * valence + NORMALISATION_ALPHA));
  const base = { sentenceIndex: sentence.sentenceIndex, mediaChannel: sentence.mediaChannel, score };
  const balance = Math.min(positive, negative) / Math.max(positive, negative, 1);
  if (Math.min(positive, negative) >= MIXED_VALENCE && balance >= MIXED_BALANCE) {
    const probabilities = normalise({ positive: 0.15, negative: 0.15, neutral: 0.05, mixed: 0.4 + balance });
    return { ...base, label: 'mixed', probability: probabilities.mixed, probabilities };
  }
  const probabilities = normalise({
    positive: Math.exp(SHARPNESS * (score - POLAR_FROM)),
    negative: Math.exp(SHARPNESS * (-score - POLAR_FROM)),
    neutral: 1,
    mixed: 0,
  });
  const label = argmax(probabilities);
  return { ...base, label, probability: probabilities[label], probabilities };
}

function overall(utterances: readonly UtteranceSentiment[]): Omit<ConversationSentiment, 'utterances'> {
  const count = (label: SentimentLabel) => utterances.filter((u) => u.label === label).length;
  const positive = count('positive');
  const negative = count('negative') * NEGATIVE_WEIGHT;
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
