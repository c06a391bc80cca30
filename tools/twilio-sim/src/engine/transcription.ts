import { derivedRandom } from '../domain/random.js';
import type {
  OperatorSpec,
  RecordedSegment,
  SpeechRecognizer,
  TranscriptAnalyzer,
  TranscriptTurn,
} from './ports.js';

/**
 * Everything Voice Intelligence needs to transcribe and analyse one recording: plain data, so the work can run on
 * another thread with the same result.
 */
export interface TranscriptionJob {
  transcriptSid: string;
  seed: string;
  asrWer: number;
  segments: readonly RecordedSegment[];
  participants: ReadonlyArray<{ channel: number; role: string | undefined }>;
  operators: readonly OperatorSpec[];
  baseUrl: string;
}

export interface TranscriptionResult {
  sentences: Array<Record<string, unknown>>;
  operatorResults: Array<Record<string, unknown>>;
}

/** Runs transcription jobs: on the calling thread (`inThreadTranscriber`) or on worker threads. */
export interface Transcriber {
  transcribe(job: TranscriptionJob): Promise<TranscriptionResult>;
  close(): Promise<void>;
}

/**
 * What a recogniser makes of a recording (the same noise model as live speech, seeded per transcript and segment),
 * its sentences and the results of the service's operators. Deterministic: same job, same result, on any thread.
 */
export function transcribe(
  job: TranscriptionJob,
  ports: { recognizer: SpeechRecognizer; analyzer: TranscriptAnalyzer },
): TranscriptionResult {
  const roleOf = (channel: number): TranscriptTurn['role'] | undefined => {
    const role = job.participants.find((p) => p.channel === channel)?.role?.toLowerCase();
    return role === 'customer' ? 'Customer' : role === 'agent' ? 'Agent' : undefined;
  };
  const turns: TranscriptTurn[] = [];
  for (const [i, segment] of job.segments.entries()) {
    const role = roleOf(segment.channel);
    if (!role) continue;
    const { heard, confidence } = ports.recognizer.recognize(segment.text, {
      wordErrorRate: job.asrWer,
      random: derivedRandom(job.seed, `${job.transcriptSid}:${i}`),
    });
    if (heard.trim() === '') continue;
    turns.push({
      role,
      startSec: segment.startSec,
      text: heard,
      spokenText: segment.text,
      voice: segment.voice,
      confidence,
    });
  }
  const sentences = ports.analyzer.sentences({
    turns,
    participants: job.participants,
    random: derivedRandom(job.seed, `${job.transcriptSid}:sentences`),
  });
  const operatorResults = ports.analyzer.operatorResults({
    transcriptSid: job.transcriptSid,
    sentences,
    participants: job.participants,
    operators: job.operators,
    baseUrl: job.baseUrl,
  });
  return { sentences, operatorResults };
}

/** Transcribes on the calling thread, with the sim's own ports (custom ones included). */
export function inThreadTranscriber(ports: {
  recognizer: SpeechRecognizer;
  analyzer: TranscriptAnalyzer;
}): Transcriber {
  return {
    transcribe: async (job) => transcribe(job, ports),
    close: async () => undefined,
  };
}
