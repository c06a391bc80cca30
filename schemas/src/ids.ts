/**
 * The grammar of the ids every entry point checks (CLI `request`, the orchestrator's call-requests consumer, the
 * analytics-sink). They become file names (`transcripts/<callId>.json`), Twilio conference names and webhook query
 * parameters, so they are ASCII letters and digits joined by `.`, `_` and `-`, starting with a letter or digit: no
 * path separators, no leading dot, no spaces, control characters or unicode look-alikes.
 *
 * A callId is `<requestId>-<nnnn>` (orchestrator), so a request id is kept short enough that its calls' ids, and the
 * conference names built from them (`synthcall-<callId>`), stay within the gateway's 128-character callId limit.
 */
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
export const REQUEST_ID_MAX_LENGTH = 64;
export const CALL_ID_MAX_LENGTH = 128;

/** The grammar in words, for error messages and the schema doc. */
export const ID_GRAMMAR =
  'ASCII letters, digits, ".", "_" and "-", starting with a letter or digit ' +
  `(request ids up to ${REQUEST_ID_MAX_LENGTH} characters, call ids up to ${CALL_ID_MAX_LENGTH})`;

function idProblem(what: string, id: unknown, max: number): string | null {
  if (typeof id !== 'string') return `${what} must be a string`;
  // JSON.stringify shows control characters and odd whitespace escaped; the id is cut so a huge one stays readable.
  const shown = JSON.stringify(id.length > 80 ? `${id.slice(0, 80)}…` : id);
  if (id.length === 0) return `${what} must not be empty`;
  if (id.length > max) return `${what} ${shown} is ${id.length} characters long; at most ${max} are allowed`;
  if (!ID_PATTERN.test(id)) return `${what} ${shown} must consist of ${ID_GRAMMAR}`;
  return null;
}

/** Why `id` is not a valid request id, or null when it is. */
export function requestIdProblem(id: unknown): string | null {
  return idProblem('requestId', id, REQUEST_ID_MAX_LENGTH);
}

/** Why `id` is not a valid call id, or null when it is. */
export function callIdProblem(id: unknown): string | null {
  return idProblem('callId', id, CALL_ID_MAX_LENGTH);
}
