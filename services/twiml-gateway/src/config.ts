import {
  busEnv,
  ConfigError,
  type Env,
  envBoolean,
  envDurationMs,
  envInt,
  envPort,
  envUrl,
  loadConfig,
  requireKafkaSettings,
  serviceEnv,
} from '@synthcall/config';
import { z } from 'zod';

export const DEFAULT_OPS_PORT = 9462;
export const DEFAULT_WEBHOOK_PORT = 3000;
export const DEFAULT_REPLY_TIMEOUT_MS = 8_000;

/** A size as express/body-parser reads it: `65536`, `64kb`, `1mb`. */
const BODY_SIZE = /^\d+\s*(b|kb|mb)?$/i;

/** BODY_LIMIT in bytes: `65536`, `64kb` (× 1,024) or `1mb` (× 1,024²), as body-parser read it. */
export function bodyLimitBytes(limit: string): number {
  const match = /^(\d+)\s*(b|kb|mb)?$/i.exec(limit.trim());
  if (!match) throw new Error(`BODY_LIMIT: must be a size such as 65536, 64kb or 1mb`);
  const unit = (match[2] ?? 'b').toLowerCase();
  return Number(match[1]) * (unit === 'mb' ? 1024 * 1024 : unit === 'kb' ? 1024 : 1);
}

/** Every variable the twiml-gateway reads. */
export const configSchema = z
  .object({
    ...serviceEnv({ opsPort: DEFAULT_OPS_PORT }),
    ...busEnv,
    PORT: envPort().default(DEFAULT_WEBHOOK_PORT),
    // Loopback by default: the webhook server is reached through a tunnel or ingress, never bound wide by accident.
    HTTP_HOST: z.string().trim().min(1).default('127.0.0.1'),
    // Several replicas on one machine share PORT (SO_REUSEPORT: the kernel spreads connections over them), as
    // `synthcall up --replicas N` runs them; any replica answers any webhook (the replies reach every replica).
    HTTP_REUSE_PORT: envBoolean().default(false),
    // The origin (plus any path prefix the proxy strips) Twilio is configured with: signatures are computed over it.
    GATEWAY_PUBLIC_URL: envUrl().transform((url) => url.replace(/\/+$/, '')),
    TWILIO_AUTH_TOKEN: z.string().trim().min(1, 'must not be empty'),
    // Voice Intelligence (optional): with a service SID, completed recordings are transcribed through the SDK.
    TWILIO_ACCOUNT_SID: z
      .string()
      .trim()
      .regex(/^AC[0-9a-fA-F]{32}$/, 'must be an account SID (AC + 32 hex)')
      .optional(),
    TWILIO_API_BASE_URL: envUrl().optional(),
    VOICE_INTELLIGENCE_SERVICE_SID: z
      .string()
      .trim()
      .regex(/^GA[0-9a-fA-F]{32}$/, 'must be a Voice Intelligence service SID (GA + 32 hex)')
      .optional(),
    // Twilio gives a webhook 15 s in total; a held webhook must leave room for the network on both sides.
    REPLY_HOLD_MS: envDurationMs()
      .default(2_000)
      .pipe(z.number().int().min(0).max(10_000, 'must be at most 10s (Twilio allows 15s per webhook)')),
    // At least the engine's worst-case line time (`checkReplyWait`): a slower engine is talked over by fallbacks.
    REPLY_TIMEOUT_MS: envDurationMs().default(DEFAULT_REPLY_TIMEOUT_MS).pipe(z.number().int().min(1)),
    /** Gateway fallback lines in a row after which the call ends (the last one says goodbye): a dead engine. */
    FALLBACK_RUN_LIMIT: envInt({ min: 1, max: 50 }).default(3),
    /** How long replies and call knowledge stay in memory after their last use. */
    CALL_TTL_MS: envDurationMs()
      .default(2 * 60 * 60 * 1000)
      .pipe(z.number().int().min(1_000)),
    /** Ended calls whose replies and voices stay in memory (newest first), within CALL_TTL_MS. */
    CALL_RETAIN_ENDED: envInt({ min: 1, max: 1_000_000 }).default(1_000),
    BODY_LIMIT: z
      .string()
      .trim()
      .regex(BODY_SIZE, 'must be a size such as 65536, 64kb or 1mb')
      .default('64kb'),
    /**
     * Reconciliation (needs TWILIO_ACCOUNT_SID): how often calls in flight are checked, how long a call must have had
     * no news before its conference, recordings and transcript are looked up over the REST API, and how much of the
     * call topics a restarted gateway reads again to learn which calls were in flight (docs/reliability.md).
     */
    RECONCILE_INTERVAL_MS: envDurationMs()
      .default(30_000)
      .pipe(z.number().int().min(10, 'must be at least 10ms')),
    RECONCILE_QUIET_MS: envDurationMs()
      .default(120_000)
      .pipe(z.number().int().min(10, 'must be at least 10ms')),
    RECONCILE_LOOKBACK_MS: envDurationMs()
      .default(2 * 60 * 60 * 1000)
      .pipe(z.number().int().min(1_000, 'must be at least 1s')),
  })
  .superRefine(requireKafkaSettings);

export type Config = z.output<typeof configSchema>;

/**
 * Time a reply needs on top of the engine's line: its trip over the bus to the gateway, and the engine's own
 * bookkeeping around the provider call.
 */
export const REPLY_MARGIN_MS = 2_000;

/**
 * What a listening leg's `<Gather timeout>` adds to the reply wait: the other leg's end-of-speech detection, the
 * fallback's echo wait, the last redirect's pause and the network. The other leg speaks before this runs out.
 */
export const GATHER_SLACK_MS = 5_000;

/** The reply wait that covers an engine line of `lineMs` (never below the default). */
export function replyTimeoutFor(lineMs: number): number {
  return Math.max(DEFAULT_REPLY_TIMEOUT_MS, Math.ceil(lineMs) + REPLY_MARGIN_MS);
}

/** Seconds a leg's `<Gather>` waits for the other leg to start speaking: the whole reply wait, and then some. */
export function gatherTimeoutSec(config: Pick<Config, 'REPLY_TIMEOUT_MS'>): number {
  return Math.ceil((config.REPLY_TIMEOUT_MS + GATHER_SLACK_MS) / 1000);
}

/**
 * Start-up check against the engine: a reply wait shorter than the engine's worst-case line (`worstCaseLineMs` of
 * its config) makes the gateway speak fallbacks over lines the engine is still producing. `engine.variables` are
 * the engine settings the line time comes from, named in the error with REPLY_TIMEOUT_MS.
 */
export function checkReplyWait(
  config: Pick<Config, 'REPLY_TIMEOUT_MS'>,
  engine: { lineMs: number; variables: readonly string[] },
): void {
  const needed = Math.ceil(engine.lineMs) + REPLY_MARGIN_MS;
  if (config.REPLY_TIMEOUT_MS >= needed) return;
  throw new ConfigError([
    {
      variable: 'REPLY_TIMEOUT_MS',
      reason: `must be at least ${needed} ms: the engine may take ${Math.ceil(engine.lineMs)} ms per line (${engine.variables.join(', ')}) plus ${REPLY_MARGIN_MS} ms; raise it or lower those`,
    },
  ]);
}

export function loadTwimlGatewayConfig(env?: Env): Config {
  return loadConfig(configSchema, env);
}
