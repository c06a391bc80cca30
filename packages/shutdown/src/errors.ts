export type ShutdownErrorCode =
  | 'SYNTH_SHUTDOWN_STEP_TIMEOUT'
  | 'SYNTH_SHUTDOWN_STEP_FAILED'
  | 'SYNTH_SHUTDOWN_STARTED';

export class ShutdownError extends Error {
  readonly code: ShutdownErrorCode;

  constructor(code: ShutdownErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ShutdownError';
    this.code = code;
  }
}
