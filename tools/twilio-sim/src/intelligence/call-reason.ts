import type { ItsFunction } from 'wink-nlp';
import { CALL_REASON_CORPUS, CALL_REASONS, type CallReason } from './call-reason-corpus.js';
import { nlp, readDoc } from './nlp.js';
import { channelsWithRole } from './participants.js';
import type { AnalysisSentence, ChannelParticipant } from './types.js';

export interface CallReasonResult {
  label: CallReason;
  probability: number;
  probabilities: Record<CallReason, number>;
  /** Features of the conversation the model knew; 0 means it saw nothing it could use and answered `other`. */
  knownFeatures: number;
}

/**
 * Multinomial naive Bayes over wink-nlp lemmas and lemma bigrams, trained on `CALL_REASON_CORPUS`.
 * Why this and not similarity to label descriptions: a call reason is carried by a few content words spread over
 * several turns ("charged", "twice", "statement"), which naive Bayes sums as evidence per label, and it learns from
 * a handful of examples per label; BM25 similarity against one description per label misses every phrasing the
 * description does not contain. Lemmas ("charged" → "charge"), stop words and token types come from wink.
 */
export interface NaiveBayesModel {
  labels: readonly CallReason[];
  /** log P(feature | label), Laplace-smoothed. */
  logLikelihood: ReadonlyMap<string, Record<CallReason, number>>;
}

const SMOOTHING = 0.5;
/** Agents restate the issue ("I see you were charged twice") but also say generic things; count them less. */
const AGENT_WEIGHT = 0.3;
/**
 * Posteriors of naive Bayes are overconfident because features are not independent; the log-likelihoods are
 * averaged per feature and scaled by this factor before the softmax so probabilities stay informative.
 */
const TEMPERATURE_SCALE = 6;

let trained: NaiveBayesModel | undefined;

/**
 * Content features of a text: lemmas of words that are not stop words, and their bigrams. Negation is not marked:
 * it does not change a topic ("it has not arrived" is still about an order), and wink's negation scope runs to the
 * next punctuation, which would split one word into two unrelated features.
 */
export function features(text: string): string[] {
  const doc = readDoc(text);
  const its = nlp().its;
  const types = doc.tokens().out(its.type) as string[];
  const stopWords = doc.tokens().out(its.stopWordFlag) as unknown as boolean[];
  // wink's typings declare `its.lemma` with the model-addons argument it is called with, not as an ItsFunction.
  const lemmas = doc.tokens().out(its.lemma as unknown as ItsFunction<string>) as string[];
  const terms = lemmas
    .filter((_, i) => types[i] === 'word' && stopWords[i] !== true)
    .map((lemma) => String(lemma).toLowerCase());
  const bigrams = terms.slice(1).map((term, i) => `${terms[i]}_${term}`);
  return [...terms, ...bigrams];
}

export function trainCallReasonModel(
  corpus: Readonly<Record<CallReason, readonly string[]>> = CALL_REASON_CORPUS,
): NaiveBayesModel {
  const counts = new Map<string, Record<CallReason, number>>();
  const totals = Object.fromEntries(CALL_REASONS.map((l) => [l, 0])) as Record<CallReason, number>;
  for (const label of CALL_REASONS) {
    for (const example of corpus[label]) {
      for (const feature of features(example)) {
        const row =
          counts.get(feature) ??
          (Object.fromEntries(CALL_REASONS.map((l) => [l, 0])) as Record<CallReason, number>);
        row[label] += 1;
        totals[label] += 1;
        counts.set(feature, row);
      }
    }
  }
  const vocabulary = counts.size;
  const logLikelihood = new Map<string, Record<CallReason, number>>();
  for (const [feature, row] of counts) {
    const logs = {} as Record<CallReason, number>;
    for (const label of CALL_REASONS) {
      logs[label] = Math.log((row[label] + SMOOTHING) / (totals[label] + SMOOTHING * vocabulary));
    }
    logLikelihood.set(feature, logs);
  }
  return { labels: CALL_REASONS, logLikelihood };
}

function defaultModel(): NaiveBayesModel {
  trained ??= trainCallReasonModel();
  return trained;
}

/** Classifies weighted texts. Uniform prior: the corpus is balanced by construction, real traffic is not. */
export function classifyTexts(
  texts: readonly { text: string; weight: number }[],
  model: NaiveBayesModel = defaultModel(),
): CallReasonResult {
  const scores = Object.fromEntries(model.labels.map((l) => [l, 0])) as Record<CallReason, number>;
  let known = 0;
  let weightSum = 0;
  for (const { text, weight } of texts) {
    for (const feature of features(text)) {
      const logs = model.logLikelihood.get(feature);
      if (logs === undefined) continue;
      known += 1;
      weightSum += weight;
      for (const label of model.labels) scores[label] += weight * logs[label];
    }
  }
  if (known === 0) {
    const probabilities = Object.fromEntries(model.labels.map((l) => [l, l === 'other' ? 1 : 0])) as Record<
      CallReason,
      number
    >;
    return { label: 'other', probability: 1, probabilities, knownFeatures: 0 };
  }
  const scaled = model.labels.map((l) => (TEMPERATURE_SCALE * scores[l]) / weightSum);
  const max = Math.max(...scaled);
  const exps = scaled.map((s) => Math.exp(s - max));
  const total = exps.reduce((a, b) => a + b, 0);
  const probabilities = {} as Record<CallReason, number>;
  model.labels.forEach((label, i) => {
    probabilities[label] = Math.round(((exps[i] ?? 0) / total) * 1e4) / 1e4;
  });
  // The first label in CALL_REASONS order wins a tie, so the result never depends on iteration accidents.
  let label: CallReason = 'other';
  for (const candidate of model.labels)
    if (probabilities[candidate] > probabilities[label]) label = candidate;
  return { label, probability: probabilities[label], probabilities, knownFeatures: known };
}

/** The call reason of a conversation: customer sentences count fully, agent sentences at AGENT_WEIGHT. */
export function classifyCallReason(
  sentences: readonly AnalysisSentence[],
  participants: readonly ChannelParticipant[],
  model?: NaiveBayesModel,
): CallReasonResult {
  const agentChannels = channelsWithRole(participants, 'Agent');
  return classifyTexts(
    sentences.map((s) => ({
      text: s.transcript,
      weight: agentChannels.has(s.mediaChannel) ? AGENT_WEIGHT : 1,
    })),
    model,
  );
}
