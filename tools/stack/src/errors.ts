export type StackErrorCode =
  | 'SYNTH_STACK_JAVA_MISSING'
  | 'SYNTH_STACK_MAVEN_MISSING'
  | 'SYNTH_STACK_FETCH_FAILED'
  | 'SYNTH_STACK_START_FAILED'
  | 'SYNTH_STACK_PORT_BUSY'
  | 'SYNTH_STACK_NOT_FOUND';

export class StackError extends Error {
  override readonly name = 'StackError';
  constructor(
    readonly code: StackErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
