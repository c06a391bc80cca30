export type SimErrorCode =
  | 'SYNTH_SIM_CONFIG_INVALID'
  | 'SYNTH_SIM_AUTH_FAILED'
  | 'SYNTH_SIM_NOT_FOUND'
  | 'SYNTH_SIM_BAD_REQUEST'
  | 'SYNTH_SIM_CONFERENCE_NOT_FOUND'
  | 'SYNTH_SIM_CONFERENCE_ENDED'
  | 'SYNTH_SIM_DUPLICATE_LABEL'
  | 'SYNTH_SIM_INVALID_STATE';

/**
 * A sim error that maps to a Twilio REST error: `twilioCode` and `status` become the body
 * `{code, message, more_info, status}` the SDK's RestException reads.
 */
export class SimError extends Error {
  readonly code: SimErrorCode;
  readonly twilioCode: number;
  readonly status: number;

  constructor(
    code: SimErrorCode,
    message: string,
    options: { twilioCode: number; status: number; cause?: unknown },
  ) {
    super(message, { cause: options.cause });
    this.name = 'SimError';
    this.code = code;
    this.twilioCode = options.twilioCode;
    this.status = options.status;
  }
}

export function badRequest(twilioCode: number, message: string): SimError {
  return new SimError('SYNTH_SIM_BAD_REQUEST', message, { twilioCode, status: 400 });
}

export function notFound(what: string): SimError {
  return new SimError('SYNTH_SIM_NOT_FOUND', `The requested resource ${what} was not found`, {
    twilioCode: 20404,
    status: 404,
  });
}
