import type { Config } from './config.js';

/** The engine settings that bound how long one line takes. */
export type LineTimingConfig = Pick<Config, 'LLM_PROVIDER' | 'OPENAI_TIMEOUT' | 'OPENAI_MAX_RETRIES'>;

/** The variables `worstCaseLineMs` reads, for errors that tell an operator what to change. */
export const LINE_TIMING_VARIABLES = ['OPENAI_TIMEOUT', 'OPENAI_MAX_RETRIES'] as const;

/**
 * Model requests per line of the openai provider: the first wording, and once more when it contradicts the plan
 * (its `ATTEMPTS`). Each request is itself retried on timeouts and server errors.
 */
export const REQUESTS_PER_LINE = 2;

/** The scripted provider computes a line in milliseconds; this leaves room for a loaded machine. */
export const SCRIPTED_LINE_MS = 1_000;

/**
 * Longest wait between two attempts of the openai provider: it honours a Retry-After up to 10 s and its own
 * backoff stops at 4 s (`maxRetryAfterMs` and `maxBackoffMs`, its defaults).
 */
export const MAX_RETRY_WAIT_MS = 10_000;

/**
 * The longest the engine may take to produce one line with this config: each request's attempts all timing out but
 * the last, with the longest wait between attempts, for every request of the line. The gateway's reply wait, the
 * simulated clock's hold and `generate`'s limits are derived from it or checked against it, so a slow model is
 * waited for instead of being talked over.
 */
export function worstCaseLineMs(config: LineTimingConfig): number {
  if (config.LLM_PROVIDER === 'scripted') return SCRIPTED_LINE_MS;
  const attempts = 1 + config.OPENAI_MAX_RETRIES;
  const request = attempts * config.OPENAI_TIMEOUT + config.OPENAI_MAX_RETRIES * MAX_RETRY_WAIT_MS;
  return REQUESTS_PER_LINE * request;
}
