export type IntelligenceErrorCode = 'SYNTH_TRANSCRIPT_INVALID';

/** Failures of the Voice Intelligence simulation. `code` is stable; the message names what was wrong. */
export class IntelligenceError extends Error {
  override readonly name = 'IntelligenceError';
  constructor(
    readonly code: IntelligenceErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
