import type { Random } from '../domain/random.js';

/** How long a voice takes to say a text. */
export interface SpeechTiming {
  speakingSeconds(text: string, voice: string | undefined): number;
}

/** What a recogniser returns for what was said; deterministic for the same random state. */
export interface SpeechRecognizer {
  recognize(
    text: string,
    options: { wordErrorRate: number; random: Random },
  ): { heard: string; confidence: number };
}

export interface RecordedSegment {
  /** 1 = first participant to join, 2 = second. */
  channel: 1 | 2;
  startSec: number;
  text: string;
  voice: string;
}

/** Turns what was said during a conference into a dual-channel WAV. */
export interface RecordingRenderer {
  render(segments: readonly RecordedSegment[], durationSec: number): Promise<Buffer>;
}

export interface TranscriptSentence {
  mediaChannel: number;
  sentenceIndex: number;
  startSec: number;
  endSec: number;
  text: string;
  confidence: number;
  words: Array<{ word: string; startSec: number; endSec: number }>;
}

/** One result per operator, already shaped as the OperatorResults JSON (snake_case fields of the spec). */
export type OperatorResultJson = Record<string, unknown> & { operator_type: string; name: string };

export interface OperatorSpec {
  sid: string;
  name: string;
}

/** Voice Intelligence analysis of a transcript's sentences for the service's operators. */
export interface TranscriptAnalyzer {
  analyze(input: {
    sentences: readonly TranscriptSentence[];
    participants: ReadonlyArray<{ channel: number; role: string | undefined }>;
    operators: readonly OperatorSpec[];
  }): Promise<OperatorResultJson[]>;
}
