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

export const DEFAULT_OPS_PORT = 9461;

/** Where Twilio dials a role: an app the gateway answers (callId/role get appended), a number, a client or SIP URI. */
const dialTarget = () =>
  z
    .string()
    .trim()
    .regex(
      /^(app:AP[0-9a-fA-F]{32}(\?\S*)?|\+[1-9]\d{1,14}|client:\S+|sip:\S+)$/,
      'must be app:AP<32 hex>[?params], an E.164 number, client:<id> or sip:<uri>',
    );

/** Every variable the orchestrator reads. */
export const configSchema = z
  .object({
    ...serviceEnv({ opsPort: DEFAULT_OPS_PORT }),
    ...busEnv,
    /** Persona files; each defaults to the embedded set. Validated at start-up. */
    PERSONAS_CUSTOMERS_FILE: z.string().trim().min(1).optional(),
    PERSONAS_AGENTS_FILE: z.string().trim().min(1).optional(),
    TWILIO_ACCOUNT_SID: z
      .string()
      .trim()
      .regex(/^AC[0-9a-fA-F]{32}$/, 'must be AC followed by 32 hex digits'),
    TWILIO_AUTH_TOKEN: z.string().min(1),
    /** Origin replacing https://api.twilio.com (twilio-sim). Unset = real Twilio. */
    TWILIO_API_BASE_URL: envUrl().optional(),
    /** Caller id of both legs: a Twilio number of the account (or the sim's). */
    TWILIO_FROM: dialTarget(),
    TWILIO_CUSTOMER_TO: dialTarget(),
    TWILIO_AGENT_TO: dialTarget(),
    /** Calls per second towards Twilio; 0 = off. Default: 1 against real Twilio, off against a sim. */
    TWILIO_CPS: envInt({ min: 0, max: 1000 }).optional(),
    TWILIO_TIMEOUT: envDurationMs().default(10_000),
    /** The gateway's public origin: Twilio posts conference, call and recording status callbacks there. */
    GATEWAY_PUBLIC_URL: envUrl(),
    /** Calls (not turns) per UTC day across all replicas. */
    MAX_DAILY_CALLS: envInt({ min: 0 }).default(1000),
    /** Calls in flight per orchestrator replica; 0 = no limit. */
    MAX_CONCURRENT_CALLS: envInt({ min: 0 }).default(10),
    /**
     * Twilio's time limit per leg, a backstop when nobody ends the call. Above the longest call the director plans:
     * up to 60 turns plus a hold of up to 240 s and a caller's silence (calls of up to 463 s were measured), so a
     * planned hold never gets a call cut off and labelled an error.
     */
    CONFERENCE_TIME_LIMIT_SEC: envInt({ min: 30, max: 14_400 }).default(900),
    /** Names this replica (its call-events consumer group, the budget claims). Default: host name + pid. */
    ORCHESTRATOR_INSTANCE_ID: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9._-]{1,100}$/, 'must be letters, digits, dot, dash or underscore')
      .optional(),
  })
  .superRefine(requireKafkaSettings);

export type Config = z.output<typeof configSchema>;

export function loadOrchestratorConfig(env?: Env): Config {
  return loadConfig(configSchema, env);
}

/** Twilio queues calls beyond the account's CPS (1 by default); a sim has no such limit unless asked. */
export function effectiveCps(config: Pick<Config, 'TWILIO_CPS' | 'TWILIO_API_BASE_URL'>): number {
  return config.TWILIO_CPS ?? (config.TWILIO_API_BASE_URL ? 0 : 1);
}
