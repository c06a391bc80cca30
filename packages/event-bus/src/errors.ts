export type BusErrorCode =
  | 'SYNTH_HANDLER_FAILED'
  | 'SYNTH_DEAD_LETTER_FAILED'
  | 'SYNTH_BUS_CLOSED'
  | 'SYNTH_PUBLISH_FAILED';

export class BusError extends Error {
  override readonly name = 'BusError';
  constructor(
    readonly code: BusErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * A handler throws this to say "retrying cannot help" (the input itself is wrong): the message goes to dead letters
 * at once instead of after the retry budget.
 */
export class PermanentError extends Error {
  override readonly name = 'PermanentError';
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The one place that maps an error to what the consumer does with the message. */
export function failurePolicy(err: unknown): { action: 'retry' | 'dead-letter'; code: string } {
  if (err instanceof PermanentError) return { action: 'dead-letter', code: err.code };
  const code = (err as { code?: unknown })?.code;
  if (code === 'SYNTH_DECODE_FAILED' || code === 'SYNTH_SCHEMA_MISMATCH')
    return { action: 'dead-letter', code };
  return {
    action: 'retry',
    code: typeof code === 'string' && code.startsWith('SYNTH_') ? code : 'SYNTH_HANDLER_FAILED',
  };
}
