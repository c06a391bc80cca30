export type OpsServerErrorCode = 'SYNTH_OPS_LISTEN_FAILED' | 'SYNTH_READINESS_CHECK_TIMEOUT';

export class OpsServerError extends Error {
  readonly code: OpsServerErrorCode;

  constructor(code: OpsServerErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'OpsServerError';
    this.code = code;
  }
}
