export type SchemaErrorCode =
  | 'SYNTH_SCHEMA_MISMATCH'
  | 'SYNTH_SCHEMA_INCOMPATIBLE'
  | 'SYNTH_DECODE_FAILED'
  | 'SYNTH_REGISTRY_UNAVAILABLE';

/** A value, a schema or a registry did not fit the contract; `code` says which, `cause` keeps the original. */
export class SchemaError extends Error {
  override readonly name = 'SchemaError';
  constructor(
    readonly code: SchemaErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
