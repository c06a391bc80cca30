import { nlp, readDoc } from './nlp.js';
import { roleOfChannel } from './participants.js';
import type { AnalysisSentence, ChannelParticipant, ParticipantRole } from './types.js';

export interface SummaryResult {
  /** "Customer: … Agent: …", the chosen sentences in call order. */
  text: string;
  /** Indices (`sentence_index`) of the sentences the summary was built from. */
  sentenceIndices: number[];
}

export interface SummaryOptions {
  /** Upper bound on sentences in the summary; the default grows with the call, 2 to 4. */
  maxSentences?: number;
}

/** Greetings, fillers and sign-offs carry no content; they never make a summary however central they look. */
const MIN_CONTENT_WORDS = 3;

/**
 * An extractive summary: wink-nlp's sentence-wise importance (how central a sentence's words are to the whole
 * conversation) ranks the sentences, lines with fewer than MIN_CONTENT_WORDS content words are skipped, the
 * customer's first substantive line (the reason for calling) is always kept, and the chosen sentences are put
 * back in call order with the speaker's role.
 */
export function summarize(
  sentences: readonly AnalysisSentence[],
  participants: readonly ChannelParticipant[],
  options: SummaryOptions = {},
): SummaryResult {
  const candidates = sentences.filter((s) => contentWords(s.transcript) >= MIN_CONTENT_WORDS);
  if (candidates.length === 0) return { text: '', sentenceIndices: [] };
  const limit = options.maxSentences ?? Math.min(4, Math.max(2, Math.ceil(sentences.length / 6)));
  const importance = importanceOf(candidates);
  const roleOf = (channel: number): ParticipantRole | undefined => roleOfChannel(participants, channel);

  const chosen = new Set<number>();
  const firstCustomer = candidates.find((s) => roleOf(s.mediaChannel) === 'Customer');
  if (firstCustomer !== undefined) chosen.add(firstCustomer.sentenceIndex);
  const ranked = candidates
    .map((s, i) => ({ s, score: importance[i] ?? 0 }))
    .sort((a, b) => b.score - a.score || a.s.sentenceIndex - b.s.sentenceIndex);
  for (const { s } of ranked) {
    if (chosen.size >= limit) break;
    chosen.add(s.sentenceIndex);
  }
  const inOrder = sentences.filter((s) => chosen.has(s.sentenceIndex));
  // Consecutive sentences of one speaker read as one line: "Agent: A. B." rather than "Agent: A. Agent: B.".
  const lines: { role: ParticipantRole | undefined; text: string }[] = [];
  for (const s of inOrder) {
    const role = roleOf(s.mediaChannel);
    const last = lines.at(-1);
    if (last !== undefined && last.role === role) last.text = `${last.text} ${s.transcript.trim()}`;
    else lines.push({ role, text: s.transcript.trim() });
  }
  const text = lines.map((l) => (l.role === undefined ? l.text : `${l.role}: ${l.text}`)).join(' ');
  return { text, sentenceIndices: inOrder.map((s) => s.sentenceIndex) };
}

function contentWords(text: string): number {
  const its = nlp().its;
  return readDoc(text)
    .tokens()
    .filter((t) => t.out(its.type) === 'word' && t.out(its.stopWordFlag) !== true)
    .length();
}

/**
 * Importance per candidate sentence. The candidates are read as one document (one line each, so wink's sentence
 * boundaries fall on ours); a candidate that wink splits further gets its most important part's score.
 */
function importanceOf(candidates: readonly AnalysisSentence[]): number[] {
  const lines = candidates.map((s) => {
    const t = s.transcript.trim();
    return /[.!?]$/.test(t) ? t : `${t}.`;
  });
  const doc = nlp().readDoc(lines.join('\n'));
  const its = nlp().its;
  const scores = doc.out(its.sentenceWiseImportance) as unknown as { index: number; importance: number }[];
  const texts = doc.sentences().out() as string[];
  const result = new Array<number>(candidates.length).fill(0);
  let line = 0;
  let consumed = '';
  texts.forEach((sentenceText, i) => {
    const importance = scores.find((s) => s.index === i)?.importance ?? 0;
    result[line] = Math.max(result[line] ?? 0, importance);
    consumed = `${consumed} ${sentenceText}`.trim();
    // Move to the next candidate once its whole line has been covered by wink's sentences.
    if (normalise(consumed).length >= normalise(lines[line] ?? '').length) {
      line = Math.min(candidates.length - 1, line + 1);
      consumed = '';
    }
  });
  return result;
}

function normalise(text: string): string {
  return text.replace(/\s+/g, '');
}
