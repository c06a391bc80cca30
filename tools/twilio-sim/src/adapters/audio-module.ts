import { speakingSeconds } from '@synthcall/speech-timing';
import { spokenForm } from '@synthcall/spoken-form';
import { applyAsrNoise } from '../audio/asr-noise.js';
import { renderConferenceRecording, type Synthesizer, silentWav } from '../audio/wav.js';
import type { RecordingMedia, RecordingRenderer, SpeechRecognizer, SpeechTiming } from '../engine/ports.js';

/** Words-per-minute per voice, from the audio module. */
export const audioSpeechTiming: SpeechTiming = {
  speakingSeconds: (text, voice) => speakingSeconds(text, voice),
};

/**
 * Seeded ASR noise at a target word error rate, from the audio module, written as a recogniser writes what it hears:
 * figures in words ("T C dash eight eight…", "ninety one dollars and seventeen cents"). The errors are drawn on the
 * line as written, so a misheard id or amount is one wrong digit in it, as a caller's misheard digit is.
 */
export const audioRecognizer: SpeechRecognizer = {
  recognize(text, { wordErrorRate, random }) {
    const result = applyAsrNoise(text, { wordErrorRate, random: () => random.next() });
    return { heard: spokenForm(result.heard), confidence: result.confidence };
  },
};

/**
 * Dual-channel WAV: espeak-ng speech when `audio` is on (rendered when the recording completes, as Twilio's is), else
 * silence of the right length and shape, made only when the media is fetched.
 */
export function audioRecordingRenderer(audio: boolean, synthesize?: Synthesizer): RecordingRenderer {
  return {
    async render(segments, durationSec): Promise<RecordingMedia> {
      if (!audio) return { wav: () => silentWav(durationSec, 2) };
      const bytes = await renderConferenceRecording(
        segments,
        durationSec,
        synthesize ? { audio, synthesize } : { audio },
      );
      return { wav: () => bytes };
    },
  };
}
