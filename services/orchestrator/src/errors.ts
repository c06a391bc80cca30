export type OrchestratorErrorCode =
  | 'SYNTH_REQUEST_INVALID'
  | 'SYNTH_REQUEST_ID_INVALID'
  | 'SYNTH_PERSONA_FILTER_EMPTY'
  | 'SYNTH_TELEPHONY_FAILED'
  | 'SYNTH_BUDGET_FAILED';

export class OrchestratorError extends Error {
  override readonly name = 'OrchestratorError';
  constructor(
    readonly code: OrchestratorErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
