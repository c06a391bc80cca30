import {
  busEnv,
  type Env,
  envDurationMs,
  envPort,
  envUrl,
  loadConfig,
  requireKafkaSettings,
  serviceEnv,
} from '@synthcall/config';
import { z } from 'zod';

export const DEFAULT_OPS_PORT = 9462;
export const DEFAULT_WEBHOOK_PORT = 3000;

/** A size as express/body-parser reads it: `65536`, `64kb`, `1mb`. */
const BODY_SIZE = /^\d+\s*(b|kb|mb)?$/i;

/** Every variable the twiml-gateway reads. */
export const configSchema = z
  .object({
    ...serviceEnv({ opsPort: DEFAULT_OPS_PORT }),
    ...busEnv,
    PORT: envPort().default(DEFAULT_WEBHOOK_PORT),
    // Loopback by default: the webhook server is reached through a tunnel or ingress, never bound wide by accident.
    HTTP_HOST: z.string().trim().min(1).default('127.0.0.1'),
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
    REPLY_TIMEOUT_MS: envDurationMs().default(8_000).pipe(z.number().int().min(1)),
    /** How long replies and call knowledge stay in memory after their last use. */
    CALL_TTL_MS: envDurationMs()
      .default(2 * 60 * 60 * 1000)
      .pipe(z.number().int().min(1_000)),
    BODY_LIMIT: z
      .string()
      .trim()
      .regex(BODY_SIZE, 'must be a size such as 65536, 64kb or 1mb')
      .default('64kb'),
  })
  .superRefine(requireKafkaSettings);

export type Config = z.output<typeof configSchema>;

export function loadTwimlGatewayConfig(env?: Env): Config {
  return loadConfig(configSchema, env);
}
