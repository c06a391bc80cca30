import { wordTimings } from '@synthcall/speech-timing';
import { type Random, randomHex } from '../audio/random.js';
import { IntelligenceError } from './errors.js';
import { readDoc } from './nlp.js';
import { normaliseRole } from './participants.js';
import type { AnalysisSentence, ChannelParticipant, ParticipantRole, TwilioSentence } from './types.js';

/** One stretch of speech by one party, as the conference heard it. */
export interface SpokenTurn {
  role: ParticipantRole;
  /** Seconds from the start of the recording. */
  startSec: number;
  /** What the transcript should say (apply ASR noise before, if wanted). */
  text: string;
  /**
   * What was actually said, when `text` is a recogniser's version of it: the sentences' times are the said words'
   * stretch of the recording, with the heard words spread over it. A dropped or inserted word does not move the end.
   */
  spokenText?: string;
  /** The `<Say voice>`, for word timing; a default rate is used without it. */
  voice?: string;
  /** Recognition confidence 0–1; without it each sentence gets 0.90–0.98 from `random`. */
  confidence?: number;
}

export interface BuildSentencesOptions {
  /** Draws the GX… SIDs and default confidences. */
  random: Random;
}

/**
 * Turns spoken turns into Voice Intelligence Sentence objects: each turn is split into sentences with wink-nlp's
 * sentence boundary detection, words get start/end times from the voice's speaking rate, sentences are ordered by
 * start time across channels and numbered from 0. The channel of a turn is its role's `channel_participant`.
 */
export function buildSentences(
  turns: readonly SpokenTurn[],
  participants: readonly ChannelParticipant[],
  options: BuildSentencesOptions,
): TwilioSentence[] {
  const { random } = options;
  const channelOf = (role: ParticipantRole): number => {
    const participant = participants.find((p) => normaliseRole(p.role) === role);
    if (participant === undefined) {
      throw new IntelligenceError(
        'SYNTH_TRANSCRIPT_INVALID',
        `No channel participant has role "${role}"; participants: ${JSON.stringify(participants)}`,
      );
    }
    return participant.channel;
  };
  const ordered = turns
    .map((turn, i) => ({ turn, i }))
    .sort((a, b) => a.turn.startSec - b.turn.startSec || a.i - b.i)
    .map(({ turn }) => turn);

  const out: TwilioSentence[] = [];
  for (const turn of ordered) {
    const channel = channelOf(turn.role);
    const words = timedAsSpoken(turn);
    let next = 0;
    for (const sentenceText of splitSentences(turn.text)) {
      const count = wordTimings(sentenceText, turn.voice, 0).length;
      const own = words.slice(next, next + count);
      next += count;
      const first = own[0];
      const last = own.at(-1);
      if (first === undefined || last === undefined) continue;
      const confidence = turn.confidence ?? 0.9 + random() * 0.08;
      out.push({
        media_channel: channel,
        sentence_index: out.length,
        start_time: seconds(first.startSec),
        end_time: seconds(last.endSec),
        transcript: sentenceText,
        sid: `GX${randomHex(random, 32)}`,
        confidence: confidence.toFixed(4),
        words: own.map((w) => ({
          word: w.word,
          start_time: seconds(w.startSec),
          end_time: seconds(w.endSec),
        })),
      });
    }
  }
  return out;
}

/** The heard words' times within the stretch of the recording that the said words take. */
function timedAsSpoken(turn: SpokenTurn): ReturnType<typeof wordTimings> {
  const heard = wordTimings(turn.text, turn.voice, turn.startSec);
  if (turn.spokenText === undefined || turn.spokenText === turn.text) return heard;
  const said = wordTimings(turn.spokenText, turn.voice, turn.startSec);
  const saidEnd = said.at(-1)?.endSec;
  const heardEnd = heard.at(-1)?.endSec;
  if (saidEnd === undefined || heardEnd === undefined || heardEnd <= turn.startSec) return heard;
  const scale = (saidEnd - turn.startSec) / (heardEnd - turn.startSec);
  const at = (sec: number) => turn.startSec + (sec - turn.startSec) * scale;
  return heard.map((w) => ({ ...w, startSec: at(w.startSec), endSec: at(w.endSec) }));
}

function splitSentences(text: string): string[] {
  const parts = (readDoc(text).sentences().out() as string[]).map((s) => s.trim()).filter((s) => s !== '');
  return parts.length > 0 ? parts : [text.trim()];
}

function seconds(value: number): string {
  return String(Math.round(value * 1000) / 1000);
}

/** Wire sentences (string times, snake_case) → the numeric form the analysis functions take. */
export function toAnalysisSentences(sentences: readonly TwilioSentence[]): AnalysisSentence[] {
  return sentences.map((s) => ({
    mediaChannel: s.media_channel,
    sentenceIndex: s.sentence_index,
    startTime: Number(s.start_time),
    endTime: Number(s.end_time),
    transcript: s.transcript,
    confidence: Number(s.confidence),
    words: s.words.map((w) => ({
      word: w.word,
      startTime: Number(w.start_time),
      endTime: Number(w.end_time),
    })),
  }));
}
