import {
  busEnv,
  type Env,
  envDurationMs,
  envInt,
  envUrl,
  loadConfig,
  requireKafkaSettings,
  serviceEnv,
} from '@synthcall/config';
import { z } from 'zod';

export const DEFAULT_OPS_PORT = 9464;

const DATABASE_URL_HINT = 'must be a PostgreSQL URL such as postgres://user:password@host:5432/database';

/**
 * Why `raw` is not a usable PostgreSQL connection URL, or undefined when it is: scheme postgres or postgresql, and a
 * host (or, for a unix socket, `?host=/run/postgresql`). Never echoes the value, which carries a password.
 */
export function databaseUrlProblem(raw: string): string | undefined {
  const value = raw.trim();
  if (!URL.canParse(value)) return DATABASE_URL_HINT;
  const url = new URL(value);
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') return DATABASE_URL_HINT;
  if (!url.hostname && !url.searchParams.get('host')) return `${DATABASE_URL_HINT} (it names no host)`;
  return undefined;
}

/** DATABASE_URL (secret): unset means no PostgreSQL output. */
export const databaseUrlField = () =>
  z
    .string()
    .trim()
    .superRefine((value, ctx) => {
      const problem = databaseUrlProblem(value);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    });
export const DEFAULT_DATASET_DIR = './synthcall-dataset';

/** Every variable the analytics-sink reads. */
export const configSchema = z
  .object({
    ...serviceEnv({ opsPort: DEFAULT_OPS_PORT }),
    ...busEnv,
    /** Where calls.jsonl, transcripts/, labels/ and manifest.json go; relative to the working directory. */
    DATASET_DIR: z.string().trim().min(1, 'must not be empty').default(DEFAULT_DATASET_DIR),
    /** Wait after a call's end before writing it, for its last turns still on the other topics. */
    DATASET_SETTLE_MS: envDurationMs()
      .default(2_000)
      .pipe(z.number().int().min(0).max(60_000, 'must be at most 60s')),
    /**
     * Longest wait for a call's ground truth (the engine's GroundTruthRecorded) after its end; a call without one by
     * then is written with labels from its plan (`source: "plan"`). At least DATASET_SETTLE_MS in effect.
     */
    DATASET_GROUND_TRUTH_WAIT_MS: envDurationMs()
      .default(30_000)
      .pipe(z.number().int().min(0).max(600_000, 'must be at most 10m')),
    /**
     * How much of the call topics to read again whenever the sink (re)joins its groups: a restart then rebuilds the
     * calls in flight from their first event. Longer than the longest call plus its settle time.
     */
    DATASET_REPLAY_MS: envDurationMs()
      .default(900_000)
      .pipe(z.number().int().min(0).max(86_400_000, 'must be at most 24h')),
    /** Segment source write key (secret). Unset: no Segment; the calls go to <DATASET_DIR>/segment.jsonl instead. */
    SEGMENT_WRITE_KEY: z.string().trim().min(1, 'must not be empty').optional(),
    /** Segment API origin; a local receiver or proxy. analytics-node appends /v1/batch. */
    SEGMENT_HOST: envUrl().default('https://api.segment.io'),
    /** Calls per batch; Segment caps a batch at 500 KB. */
    SEGMENT_FLUSH_AT: envInt({ min: 1, max: 500 }).default(15),
    /** Longest a queued call waits for its batch. */
    SEGMENT_FLUSH_INTERVAL_MS: envDurationMs()
      .default(10_000)
      .pipe(z.number().int().min(10, 'must be at least 10ms').max(300_000, 'must be at most 5m')),
    /** Retries of a failed batch (exponential backoff from 0.5s) before it is logged as lost. */
    SEGMENT_MAX_RETRIES: envInt({ min: 0, max: 20 }).default(5),
    /** PostgreSQL URL (secret). Set: every call is also written to the tables of migrations/, applied at start-up. */
    DATABASE_URL: databaseUrlField().optional(),
  })
  .superRefine(requireKafkaSettings);

export type Config = z.output<typeof configSchema>;

export function loadAnalyticsSinkConfig(env?: Env): Config {
  return loadConfig(configSchema, env);
}
