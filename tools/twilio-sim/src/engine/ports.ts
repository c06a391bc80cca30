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

/**
 * A finished recording's audio, as its media URL serves it. Silence is made when it is fetched (most runs never
 * fetch it, and a call's silent WAV is megabytes); rendered speech is held once made.
 */
export interface RecordingMedia {
  wav(): Buffer;
}

/** Turns what was said during a conference into a dual-channel WAV. */
export interface RecordingRenderer {
  render(segments: readonly RecordedSegment[], durationSec: number): Promise<RecordingMedia>;
}

/** What one channel said, as the transcript sees it (after recognition). */
export interface TranscriptTurn {
  role: 'Customer' | 'Agent';
  startSec: number;
  /** What the recogniser heard. */
  text: string;
  /** What was said: the recording's time of the turn. */
  spokenText?: string;
  voice: string;
  confidence: number;
}

export interface OperatorSpec {
  sid: string;
  name: string;
  operatorType: string;
}

/** Voice Intelligence: sentences of a transcript and the results of the service's operators, in the spec's JSON. */
export interface TranscriptAnalyzer {
  /** The operators a new service has attached. */
  operators(): OperatorSpec[];
  sentences(input: {
    turns: readonly TranscriptTurn[];
    participants: ReadonlyArray<{ channel: number; role: string | undefined }>;
    random: Random;
  }): Array<Record<string, unknown>>;
  operatorResults(input: {
    transcriptSid: string;
    sentences: ReadonlyArray<Record<string, unknown>>;
    participants: ReadonlyArray<{ channel: number; role: string | undefined }>;
    operators: readonly OperatorSpec[];
    baseUrl: string;
  }): Array<Record<string, unknown>>;
}
