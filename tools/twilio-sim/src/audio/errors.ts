export type AudioErrorCode = 'SYNTH_ESPEAK_MISSING' | 'SYNTH_ESPEAK_FAILED' | 'SYNTH_WAV_INVALID';

/** Failures of the audio modules. `code` is stable; the message tells a person what to do. */
export class AudioError extends Error {
  override readonly name = 'AudioError';
  constructor(
    readonly code: AudioErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
